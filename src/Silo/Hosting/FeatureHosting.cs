using MlOps.Orleans.Features;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Features.Online;
using MlOps.Orleans.Features.Serving;
using MlOps.Orleans.Gateway.Hosting;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>The feature store's per-silo parts: the offline store (DuckDB, its cache and spill folders) and its settings.</summary>
public static class FeatureHosting
{
    public const string Section = "Mlops:Features";

    /// <summary>
    /// <c>Mlops:Features:SourceRoots:N</c> are the only folders <c>file:</c> sources may name (none by default: sources then live
    /// in the artifact store); <c>DuckDbMemoryLimit</c> and <c>Threads</c> bound the offline engine. Cache and spill folders sit
    /// under the data folder.
    /// </summary>
    public static IServiceCollection AddMlopsFeatures(this IServiceCollection services, IConfiguration configuration, MlopsOptions options)
    {
        var section = configuration.GetSection(Section);
        var offline = new OfflineStoreOptions
        {
            CacheDirectory = Path.GetFullPath(Path.Combine(options.DataDir, "cache", "offline")),
            TempDirectory = Path.GetFullPath(Path.Combine(options.DataDir, "tmp", "offline")),
            SourceRoots = section.GetSection("SourceRoots").Get<string[]>()?.Select(Path.GetFullPath).ToArray() ?? [],
            DuckDbMemoryLimit = section["DuckDbMemoryLimit"] ?? "1GB",
            Threads = section.GetValue("Threads", 0),
        };
        if (offline.Threads < 0) throw new InvalidOperationException($"Invalid configuration: {Section}:Threads must not be negative");
        services.AddSingleton(offline);
        services.AddSingleton<OfflineStore>();

        var online = configuration.GetSection("Mlops:Online");
        var serving = new OnlineServingOptions
        {
            ShardCount = online.GetValue("ShardCount", 16),
            CacheRowsPerShard = online.GetValue("CacheRowsPerShard", 200_000),
        };
        if (serving.ShardCount is < 1 or > 4096) throw new InvalidOperationException("Invalid configuration: Mlops:Online:ShardCount must be 1..4096");
        if (serving.CacheRowsPerShard < 0) throw new InvalidOperationException("Invalid configuration: Mlops:Online:CacheRowsPerShard must not be negative");
        services.AddSingleton(serving);
        services.AddSingleton<OnlinePlanCache>();
        // The endpoints on a silo read in process (no relay grain); a standalone gateway registers the grain-backed reader instead.
        services.AddSingleton<LocalShards>();
        services.AddSingleton<OnlineFeatureReader>();
        services.AddSingleton<IOnlineFeatureReader>(sp => sp.GetRequiredService<OnlineFeatureReader>());
        var redisEndpoint = online["Redis"] is { Length: > 0 } redis ? redis : null;
        // A shard grain moves to another silo when its silo leaves; with a per-silo SQLite file it would come back without the
        // rows it had acknowledged. So a cluster must share one online store, and starting without it is refused.
        if (options.IsCluster && redisEndpoint is null)
            throw new InvalidOperationException("Invalid configuration: Mlops:Online:Redis (env MLOPS__ONLINE__REDIS, switch --redis) is required " +
                "when Mlops:Mode is Cluster: the silos must share one online store, or rows acknowledged by a silo that leaves are lost");
        var store = new OnlineStoreOptions
        {
            // Redis when configured; otherwise (embedded only) the SQLite file under the data folder.
            RedisConnectionString = redisEndpoint,
            KeyPrefix = online["KeyPrefix"] ?? "ofs",
            SqliteFolder = Path.GetFullPath(Path.Combine(options.DataDir, "online")),
        };
        services.AddSingleton(store);
        services.AddSingleton<IOnlineStore>(sp => store.RedisConnectionString is not null
            ? RedisOnlineStore.ConnectAsync(store, sp.GetRequiredService<ILogger<RedisOnlineStore>>()).GetAwaiter().GetResult()
            : SqliteOnlineStore.Open(store, sp.GetRequiredService<ILogger<SqliteOnlineStore>>()));
        return services;
    }
}
