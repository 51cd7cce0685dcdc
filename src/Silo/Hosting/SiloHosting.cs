using System.Net;
using MlOps.Orleans.Catalog;
using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Catalog.Postgres;
using MlOps.Orleans.Catalog.Registry;
using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Common;
using MlOps.Orleans.Gateway.Artifacts;
using MlOps.Orleans.Gateway.Hosting;
using Orleans.Configuration;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>Silo wiring for both modes; the catalog is opened (and migrated) before the silo starts taking calls.</summary>
public static class SiloHosting
{
    public static async Task<WebApplicationBuilder> AddMlopsSiloAsync(this WebApplicationBuilder builder, MlopsOptions options)
    {
        var catalog = options.IsCluster
            ? await CatalogStores.OpenPostgresAsync(options.Postgres!)
            : await CatalogStores.OpenSqliteAsync(Path.Combine(options.DataDir, "catalog.db"));
        if (options.IsCluster) await OrleansSchema.EnsureAsync(options.Postgres!);
        // One catalog, one connection pool (one SQLite writer): each concern sees it through its own small interface.
        builder.Services.AddMlopsCatalog(catalog);
        builder.Services.AddMlopsArtifacts(builder.Configuration, options);
        builder.Services.AddMlopsFeatures(builder.Configuration, options);
        builder.UseOrleans(silo =>
        {
            if (options.IsCluster)
            {
                var advertised = IPAddress.Parse(options.AdvertisedAddress ?? options.BindAddress);
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                silo.ConfigureEndpoints(advertised, options.SiloPort, options.OrleansGatewayPort);
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = options.Postgres;
                });
                silo.AddAdoNetGrainStorage(StreamNames.PubSubStore, o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = options.Postgres;
                });
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.OrleansGatewayPort);
                silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
            }
            silo.AddMlopsStreams();
        });
        return builder;
    }

    public static ISiloBuilder AddMlopsStreams(this ISiloBuilder silo) =>
        silo.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigurePullingAgent(agent => agent.Configure(o =>
        {
            // Live metric charts want tens of milliseconds, not the default 100 ms polling of the queues.
            o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10);
        })));
}
