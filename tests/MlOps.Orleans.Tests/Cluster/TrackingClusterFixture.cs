using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Hosting.Clustering;
using MlOps.Orleans.Catalog;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Tests.Infrastructure;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MlOps.Orleans.Tests.Cluster;

/// <summary>Two silos (Orleans TestingHost) sharing one real PostgreSQL catalog; the grains are the production ones.</summary>
public sealed class TrackingClusterFixture : IAsyncLifetime
{
    private const string CatalogKey = "MlopsTestCatalog";

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.Properties[CatalogKey] = await TestPostgres.CreateDatabaseAsync("mlops_cluster");
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var catalog = silo.Configuration[CatalogKey]!;
            silo.Services.AddSingleton(_ => CatalogStores.OpenPostgresAsync(catalog).GetAwaiter().GetResult());
            silo.Services.AddSingleton(sp => sp.GetRequiredService<CatalogStores>().Tracking);
            silo.Services.AddSingleton(sp => sp.GetRequiredService<CatalogStores>().LoggedModels);
            silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
            silo.AddMlopsStreams();
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) => client.AddMemoryStreams(StreamNames.Provider);
    }
}
