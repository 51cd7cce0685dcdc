using MlOps.Orleans.Catalog;
using MlOps.Orleans.Features.Online.Store;
using MlOps.Orleans.Hosting;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>
/// At start, before the silo joins and before any endpoint is bound (<see cref="StartingAsync"/> runs ahead of every
/// hosted service's start): reads the catalog's and the online store's durability settings, logs a warning naming each one
/// that does not make acknowledged writes survive a power loss, and with <see cref="MlopsOptions.RequireDurableBackends"/>
/// refuses to start instead (an unknown setting included). The rules: <see cref="DurabilityRules"/>.
/// </summary>
internal sealed class BackendDurabilityCheck(CatalogStores catalog, IOnlineStore online, OnlineStoreOptions onlineOptions, MlopsOptions options,
    ILogger<BackendDurabilityCheck> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var findings = await CheckAsync(cancellationToken).ConfigureAwait(false);
        if (options.RequireDurableBackends && findings.Count > 0)
            throw new InvalidOperationException(
                $"Mlops:RequireDurableBackends is set and these backend settings do not make acknowledged writes durable: {string.Join("; ", findings)}");
    }

    /// <summary>Reads, logs and returns what is not durable.</summary>
    public async Task<IReadOnlyList<DurabilityFinding>> CheckAsync(CancellationToken ct)
    {
        var (catalogEngine, catalogName) = options.IsCluster ? (DurabilityRules.PostgreSql, "PostgreSQL catalog") : (DurabilityRules.Sqlite, "SQLite catalog");
        var (onlineEngine, onlineName) = onlineOptions.RedisConnectionString is not null
            ? (DurabilityRules.Redis, "Redis online store")
            : (DurabilityRules.Sqlite, "SQLite online store");
        var catalogSettings = await catalog.ReadDurabilitySettingsAsync(ct).ConfigureAwait(false);
        var onlineSettings = await online.ReadDurabilitySettingsAsync(ct).ConfigureAwait(false);
        var findings = DurabilityRules.Judge(catalogEngine, catalogName, catalogSettings)
            .Concat(DurabilityRules.Judge(onlineEngine, onlineName, onlineSettings))
            .ToList();
        foreach (var f in findings)
            logger.LogWarning("Not durable: {Backend} {Setting} = {Value}: {Risk}", f.Backend, f.Setting, f.Value, f.Risk);
        logger.LogInformation("Backend durability settings: {Catalog} {CatalogSettings}; {Online} {OnlineSettings}", catalogName,
            Describe(catalogSettings), onlineName, Describe(onlineSettings));
        return findings;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Describe(IReadOnlyDictionary<string, string?> settings) =>
        string.Join(", ", settings.Select(s => $"{s.Key}={s.Value ?? DurabilityRules.Unknown}"));
}
