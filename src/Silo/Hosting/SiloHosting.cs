using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Catalog;
using MlOps.Orleans.Gateway.Artifacts;
using MlOps.Orleans.Gateway.Timing;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Clustering;
using MlOps.Orleans.Hosting.Observability;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>Silo wiring for both modes; the catalog is opened (and migrated) before the silo starts taking calls.</summary>
public static class SiloHosting
{
    public static async Task<WebApplicationBuilder> AddMlopsSiloAsync(this WebApplicationBuilder builder, MlopsOptions options)
    {
        builder.AddMlopsArtifacts(options);
        builder.Services.AddMlopsFeatures(builder.MlopsSettings(), options);
        // Every setting of the silo is checked, all problems named at once, before anything is opened.
        builder.MlopsSettings().Register(builder.Services);
        // The data folder durably (each new level's parent fsynced): the catalog file and the artifacts live under it.
        if (!options.IsCluster) DurableFolders.Create(options.DataDir);
        var catalog = options.IsCluster
            ? await CatalogStores.OpenPostgresAsync(options.CatalogPostgres, defaultArtifactRoot: options.DefaultArtifactRoot)
            : await CatalogStores.OpenSqliteAsync(Path.Combine(options.DataDir, "catalog.db"), defaultArtifactRoot: options.DefaultArtifactRoot);
        if (options.IsCluster) await OrleansSchema.EnsureAsync(options.OrleansPostgres);
        // One catalog, one connection pool (one SQLite writer): each concern sees it through its own small interface.
        builder.Services.AddMlopsCatalog(catalog);
        // Warns about (or, with Mlops:RequireDurableBackends, refuses) backends that would lose acknowledged writes.
        builder.Services.AddHostedService<BackendDurabilityCheck>();
        // Grain call timings, for /debug/stages or an exporter; with neither, no filter at all.
        if (options.TimesStages) builder.Services.AddSingleton<IIncomingGrainCallFilter, GrainCallTiming>();
        // This silo's name beside its timings on /debug/stages.
        if (options.EnableDiagnostics) builder.Services.AddSingleton<IStageProcess, SiloStageProcess>();
        builder.UseOrleans(silo =>
        {
            silo.UseMlopsClustering(options).AddMlopsDashboard(options);
            // Trace context across grain calls, only when spans are recorded (a collector is configured).
            if (options.Observability.Exports) silo.AddActivityPropagation();
        });
        return builder;
    }
}
