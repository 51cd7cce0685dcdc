using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Hosting.Clustering;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Catalog;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Silo.Hosting;
using MlOps.Orleans.Tests.Features.Online.Store;
using MlOps.Orleans.Tests.Infrastructure;
using Orleans.TestingHost;
using MlOps.Orleans.Hosting;

namespace MlOps.Orleans.Tests.Features.Cluster;

/// <summary>
/// Two silos (Orleans TestingHost) with the production feature grains, one PostgreSQL catalog and one Redis online store, so
/// shards spread over both silos and a silo can leave.
/// </summary>
public sealed class OnlineClusterFixture : IAsyncLifetime
{
    private const string CatalogKey = "MlopsTestCatalog";
    private const string RedisKey = "MlopsTestRedis";
    private const string PrefixKey = "MlopsTestPrefix";
    private const string DataKey = "MlopsTestData";

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.Properties[CatalogKey] = await TestPostgres.CreateDatabaseAsync("mlops_online");
        builder.Properties[RedisKey] = RedisTestConnection.Endpoint;
        builder.Properties[PrefixKey] = "c" + Guid.NewGuid().ToString("N")[..8];
        builder.Properties[DataKey] = Path.Combine(Path.GetTempPath(), "mlops-online-cluster", Guid.NewGuid().ToString("N"));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var catalog = silo.Configuration[CatalogKey]!;
            var data = silo.Configuration[DataKey]!;
            silo.Services.AddSingleton(_ => CatalogStores.OpenPostgresAsync(catalog).GetAwaiter().GetResult());
            silo.Services.AddSingleton(sp => sp.GetRequiredService<CatalogStores>().Features);
            silo.Services.AddSingleton<IArtifactStore>(_ => new LocalArtifactStore(Path.Combine(data, "artifacts")));
            var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mlops:Online:Redis"] = silo.Configuration[RedisKey],
                ["Mlops:Online:KeyPrefix"] = silo.Configuration[PrefixKey],
            }).Build();
            // Each silo its own data folder (its SQLite-free parts: caches, spill), as on separate hosts.
            silo.Services.AddMlopsFeatures(settings, new MlopsOptions { DataDir = Path.Combine(data, Guid.NewGuid().ToString("N")) });
            silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
            silo.AddMlopsStreams();
        }
    }
}
