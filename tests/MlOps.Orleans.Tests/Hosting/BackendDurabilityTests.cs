using Microsoft.Extensions.Logging;
using MlOps.Orleans.Catalog;
using MlOps.Orleans.Features.Online.Store;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Silo.Hosting;
using MlOps.Orleans.Tests.Features.Online.Store;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Tests.Processes;
using Npgsql;

namespace MlOps.Orleans.Tests.Hosting;

/// <summary>
/// The start-up check of backend durability against real servers configured not to be durable: a PostgreSQL database with
/// synchronous_commit off, a private redis-server without the append-only file, one with CONFIG renamed away.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class BackendDurabilityTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-durability-").FullName;
    private readonly List<IAsyncDisposable> _owned = [];

    [SkippableFact]
    public async Task Postgres_synchronous_commit_off_is_logged_naming_the_setting_and_the_risk()
    {
        var admin = ProcessPostgres.AdminConnectionString;
        var redis = TestServices.Require("MLOPS_TEST_REDIS", "Redis"); // the test command's: appendonly yes, appendfsync always
        var (name, cs) = await ProcessPostgres.CreateDatabaseAsync(admin);
        _owned.Add(new Cleanup(() => ProcessPostgres.DropDatabaseAsync(admin, name)));
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{name}\" SET synchronous_commit = off", connection);
            await alter.ExecuteNonQueryAsync();
        }
        var catalog = Own(await CatalogStores.OpenPostgresAsync(cs));
        var (online, onlineOptions) = await RedisStoreAsync(redis);
        var logger = new RecordingLogger<BackendDurabilityCheck>();

        var findings = await Check(catalog, online, onlineOptions, logger, cluster: true).CheckAsync(default);

        var finding = Assert.Single(findings);
        Assert.Equal(("PostgreSQL catalog", "synchronous_commit", "off"), (finding.Backend, finding.Setting, finding.Value));
        var warning = Assert.Single(logger.At(LogLevel.Warning));
        Assert.Contains("PostgreSQL catalog synchronous_commit = off", warning, StringComparison.Ordinal);
        Assert.Contains("loses the last acknowledged commits", warning, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Redis_without_the_append_only_file_is_logged_and_refused_when_durability_is_required()
    {
        var redis = Own(await PrivateRedis.StartAsync("--appendonly", "no", "--appendfsync", "everysec"));
        var catalog = Own(await CatalogStores.OpenSqliteAsync(Path.Join(_folder, "catalog.db")));
        var (online, onlineOptions) = await RedisStoreAsync(redis.Endpoint);
        var logger = new RecordingLogger<BackendDurabilityCheck>();

        await Check(catalog, online, onlineOptions, logger).StartingAsync(default);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Check(catalog, online, onlineOptions, new RecordingLogger<BackendDurabilityCheck>(), require: true).StartingAsync(default));

        var warnings = logger.At(LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("Redis online store appendonly = no: ", warnings[0], StringComparison.Ordinal);
        Assert.Contains("Redis online store appendfsync = everysec: ", warnings[1], StringComparison.Ordinal);
        Assert.Contains("Mlops:RequireDurableBackends", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Redis online store appendonly = no", refused.Message, StringComparison.Ordinal);
        Assert.Contains("about the last second", refused.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Redis_that_will_not_reveal_its_settings_is_unknown_which_required_durability_refuses()
    {
        // As managed Redis services do: CONFIG disabled.
        var redis = Own(await PrivateRedis.StartAsync("--rename-command", "CONFIG", ""));
        var catalog = Own(await CatalogStores.OpenSqliteAsync(Path.Join(_folder, "catalog.db")));
        var (online, onlineOptions) = await RedisStoreAsync(redis.Endpoint);

        var settings = await online.ReadDurabilitySettingsAsync(default);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Check(catalog, online, onlineOptions, new RecordingLogger<BackendDurabilityCheck>(), require: true).StartingAsync(default));

        Assert.Equal([("appendonly", null), ("appendfsync", null)], settings.Select(s => (s.Key, s.Value)));
        Assert.Contains("Redis online store appendonly = unknown", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Redis online store appendfsync = unknown", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_defaults_are_durable_and_warn_about_nothing()
    {
        var catalog = Own(await CatalogStores.OpenSqliteAsync(Path.Join(_folder, "catalog.db")));
        var onlineOptions = new OnlineStoreOptions { SqliteFolder = Path.Join(_folder, "online"), SweepInterval = null };
        var online = Own(SqliteOnlineStore.Open(onlineOptions));
        var logger = new RecordingLogger<BackendDurabilityCheck>();

        await Check(catalog, online, onlineOptions, logger, require: true).StartingAsync(default);

        Assert.Empty(logger.At(LogLevel.Warning));
        var summary = Assert.Single(logger.At(LogLevel.Information));
        Assert.Contains("SQLite catalog journal_mode=wal, synchronous=full", summary, StringComparison.Ordinal);
        Assert.Contains("SQLite online store journal_mode=wal, synchronous=full", summary, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static BackendDurabilityCheck Check(CatalogStores catalog, IOnlineStore online, OnlineStoreOptions onlineOptions,
        ILogger<BackendDurabilityCheck> logger, bool cluster = false, bool require = false) =>
        new(catalog, online, onlineOptions, new MlopsOptions
        {
            Mode = cluster ? MlopsOptions.ClusterMode : MlopsOptions.EmbeddedMode,
            RequireDurableBackends = require,
        }, logger);

    private async Task<(IOnlineStore, OnlineStoreOptions)> RedisStoreAsync(string endpoint)
    {
        var options = RedisTestConnection.Options(endpoint, RedisTestConnection.UniquePrefix("durability"), TimeSpan.FromMinutes(5));
        return (Own(await RedisOnlineStore.ConnectAsync(options)), options);
    }

    private T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private sealed class Cleanup(Func<Task> cleanup) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await cleanup();
    }
}
