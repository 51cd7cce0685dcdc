using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Hosting.Exposure;
using MlOps.Orleans.Contracts.Common;
using Orleans.Configuration;
using Orleans.Hosting;

namespace MlOps.Orleans.Hosting.Clustering;

/// <summary>
/// How silos and clients find each other, written once for both: localhost clustering when embedded; when clustered,
/// the ADO.NET membership table in the shared PostgreSQL, and the same cluster and service ids on both sides.
/// </summary>
public static class OrleansClustering
{
    /// <summary>The ADO.NET invariant of the PostgreSQL provider.</summary>
    public const string Invariant = "Npgsql";

    public static ISiloBuilder UseMlopsClustering(this ISiloBuilder silo, MlopsOptions options)
    {
        if (options.IsCluster)
        {
            ConfigureCluster(silo.Services, options);
            var advertised = IPAddress.Parse(options.AdvertisedAddress ?? options.BindAddress);
            silo.ConfigureEndpoints(advertised, options.SiloPort, options.OrleansGatewayPort);
            ExposedSurfaces.Of(silo.Services)
                .Add($"Orleans silo-to-silo {advertised}:{options.SiloPort}")
                .Add($"Orleans client gateway {advertised}:{options.OrleansGatewayPort} (any Orleans client can call every grain)");
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = options.OrleansPostgres;
            });
            silo.AddAdoNetGrainStorage(StreamNames.PubSubStore, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = options.OrleansPostgres;
            });
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.OrleansGatewayPort);
            silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
        }
        return silo.AddMlopsStreams();
    }

    /// <summary>A gateway process joins a cluster as a client; an embedded process has no separate client.</summary>
    public static IClientBuilder UseMlopsClustering(this IClientBuilder client, MlopsOptions options)
    {
        if (!options.IsCluster) throw StandaloneClientNeedsCluster();
        ConfigureCluster(client.Services, options);
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = options.OrleansPostgres;
        });
        client.AddMemoryStreams(StreamNames.Provider);
        return client;
    }

    /// <summary>An embedded platform is one process; only a cluster has silos a separate client can join.</summary>
    public static InvalidOperationException StandaloneClientNeedsCluster() =>
        new("A standalone gateway needs Mlops:Mode=Cluster and Mlops:Postgres; run src/Silo for the embedded platform");

    public static ISiloBuilder AddMlopsStreams(this ISiloBuilder silo) =>
        silo.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigurePullingAgent(agent => agent.Configure(o =>
        {
            // Live metric charts want tens of milliseconds, not the default 100 ms polling of the queues; 10 ms polls of
            // the eight queues kept an idle silo at 0.1 core, 50 ms at 0.05 with the rest (docs/benchmarks.md, issue 16).
            o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(50);
        })));

    private static void ConfigureCluster(IServiceCollection services, MlopsOptions options) =>
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
}
