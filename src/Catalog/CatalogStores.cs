using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Catalog.LoggedModels;
using MlOps.Orleans.Catalog.Postgres;
using MlOps.Orleans.Catalog.Registry;
using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Catalog.Tracking;

namespace MlOps.Orleans.Catalog;

/// <summary>
/// An opened catalog and its per-concern stores. Every store goes through the one <see cref="CatalogDatabase"/>: one
/// SQLite writer (one write connection, one group commit) or one PostgreSQL pool. Disposing closes it for all of them.
/// </summary>
public sealed class CatalogStores : IAsyncDisposable
{
    private readonly CatalogDatabase _database;
    private readonly SqlTrackingStore _tracking;

    private CatalogStores(CatalogDatabase database, string? defaultArtifactRoot)
    {
        _database = database;
        _tracking = new SqlTrackingStore(database) { DefaultArtifactRoot = defaultArtifactRoot };
        Registry = new SqlRegistryStore(database);
        LoggedModels = new SqlLoggedModelStore(database);
        Features = new SqlFeatureCatalog(database);
        Materialization = new SqlMaterializationCatalog(database);
    }

    public ITrackingStore Tracking => _tracking;

    public IRegistryStore Registry { get; }

    public ILoggedModelStore LoggedModels { get; }

    public IFeatureCatalog Features { get; }

    public IMaterializationCatalog Materialization { get; }

    /// <summary>Opens (creating if needed) the embedded catalog file, applies pending migrations and ensures experiment 0.</summary>
    /// <param name="defaultArtifactRoot">where experiments without a location keep artifacts (null: the store, via the proxy)</param>
    public static async Task<CatalogStores> OpenSqliteAsync(string path, string? defaultArtifactRoot = null, CancellationToken ct = default) =>
        await OpenAsync(await SqliteCatalogDatabase.OpenAsync(path, ct).ConfigureAwait(false), defaultArtifactRoot, ct).ConfigureAwait(false);

    /// <summary>Connects to the cluster catalog, applies pending migrations (serialized across silos) and ensures experiment 0.</summary>
    public static async Task<CatalogStores> OpenPostgresAsync(string connectionString, string? defaultArtifactRoot = null, CancellationToken ct = default) =>
        await OpenAsync(await PostgresCatalogDatabase.OpenAsync(connectionString, ct).ConfigureAwait(false), defaultArtifactRoot, ct).ConfigureAwait(false);

    private static async Task<CatalogStores> OpenAsync(CatalogDatabase database, string? defaultArtifactRoot, CancellationToken ct)
    {
        var stores = new CatalogStores(database, defaultArtifactRoot);
        await stores._tracking.EnsureDefaultExperimentAsync(ct).ConfigureAwait(false);
        return stores;
    }

    /// <inheritdoc cref="CatalogDatabase.ReadDurabilitySettingsAsync"/>
    public Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct = default) =>
        _database.ReadDurabilitySettingsAsync(ct);

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
