using MlOps.Orleans.Catalog.Postgres;
using MlOps.Orleans.Common;
using MlOps.Orleans.Features.Online;
using MlOps.Orleans.Gateway.Artifacts;
using Orleans.Configuration;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>Joins a gateway process to a silo cluster as an Orleans client.</summary>
public static class ClientHosting
{
    public static WebApplicationBuilder AddMlopsClusterClient(this WebApplicationBuilder builder, MlopsOptions options)
    {
        if (!options.IsCluster)
            throw new InvalidOperationException("A standalone gateway needs Mlops:Mode=Cluster and Mlops:Postgres; run src/Silo for the embedded platform");
        // The gateway lists silos from the membership table, so make sure it exists even when the gateway starts first.
        OrleansSchema.EnsureAsync(options.Postgres!).GetAwaiter().GetResult();
        builder.Services.AddMlopsArtifacts(builder.Configuration, options);
        builder.Services.AddSingleton<IOnlineFeatureReader, GrainOnlineFeatureReader>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = options.Postgres;
            });
            client.AddMemoryStreams(StreamNames.Provider);
        });
        return builder;
    }
}
