using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Gateway.Artifacts;
using MlOps.Orleans.Gateway.Features;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Clustering;
using MlOps.Orleans.Hosting.Observability;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>Joins a gateway process to a silo cluster as an Orleans client.</summary>
public static class ClientHosting
{
    public static WebApplicationBuilder AddMlopsClusterClient(this WebApplicationBuilder builder, MlopsOptions options)
    {
        // Checked before anything is bound or contacted; the clustering call below says the same for any other caller.
        if (!options.IsCluster) throw OrleansClustering.StandaloneClientNeedsCluster();
        builder.AddMlopsArtifacts(options);
        builder.MlopsSettings().Register(builder.Services);
        // Online reads call the shard grains from here; only the plans come from a silo.
        builder.Services.AddSingleton(sp => new GatewayPlanCache(sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<ILogger<GatewayPlanCache>>()));
        builder.Services.AddSingleton<IOnlineFeatureReader, GatewayOnlineReader>();
        builder.UseOrleansClient(client =>
        {
            client.UseMlopsClustering(options).AddMlopsDashboard(options);
            if (options.Observability.Exports) client.AddActivityPropagation();
        });
        // The gateway lists silos from the membership table, so make sure it exists even when the gateway starts first.
        OrleansSchema.EnsureAsync(options.OrleansPostgres).GetAwaiter().GetResult();
        return builder;
    }
}
