using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Settings;
using MlOps.Orleans.Features.Online.Store;
using MlOps.Orleans.Grains.Features.Online;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>The feature store's per-silo parts: the offline store (DuckDB, its cache and spill folders) and its settings.</summary>
public static class FeatureHosting
{
    /// <summary>
    /// Binds <c>Mlops:Features</c> and <c>Mlops:Online</c> and registers the feature store's parts; throws naming every bad
    /// setting. Registration only: nothing connects until the online store is first resolved.
    /// </summary>
    public static IServiceCollection AddMlopsFeatures(this IServiceCollection services, IConfiguration configuration, MlopsOptions options)
    {
        var settings = new SettingsBinder(configuration);
        services.AddMlopsFeatures(settings, options);
        settings.Register(services);
        return services;
    }

    /// <summary>
    /// <c>Mlops:Features:SourceRoots:N</c> are the only folders <c>file:</c> sources may name; <c>DuckDbMemoryLimit</c> and
    /// <c>Threads</c> bound the offline engine. Cache and spill folders sit under the data folder. The settings are bound
    /// through <paramref name="settings"/>, which checks them with the process's others.
    /// </summary>
    public static IServiceCollection AddMlopsFeatures(this IServiceCollection services, SettingsBinder settings, MlopsOptions options)
    {
        var features = settings.Bind<FeatureSettings>(FeatureSettings.Section, f => f.Validate());
        var online = settings.Bind<OnlineSettings>(OnlineSettings.Section, o => o.Validate(options.IsCluster));
        services.AddSingleton(new OfflineStoreOptions
        {
            CacheDirectory = Path.GetFullPath(Path.Combine(options.DataDir, "cache", "offline")),
            TempDirectory = Path.GetFullPath(Path.Combine(options.DataDir, "tmp", "offline")),
            SourceRoots = features.SourceRoots.Select(Path.GetFullPath).ToArray(),
            DuckDbMemoryLimit = features.DuckDbMemoryLimit,
            Threads = features.Threads,
        });
        services.AddSingleton<OfflineStore>();
        services.AddSingleton(new OnlineServingOptions { ShardCount = online.ShardCount, CacheRowsPerShard = online.CacheRowsPerShard });
        services.AddSingleton<OnlinePlanCache>();
        // The endpoints on a silo read in process (no relay grain); a standalone gateway registers the grain-backed reader instead.
        services.AddSingleton<LocalShards>();
        services.AddSingleton<OnlineFeatureReader>();
        services.AddSingleton<IOnlineFeatureReader>(sp => sp.GetRequiredService<OnlineFeatureReader>());
        var store = new OnlineStoreOptions
        {
            // Redis when configured; otherwise (embedded only) the SQLite file under the data folder.
            RedisConnectionString = online.RedisEndpoint,
            KeyPrefix = online.KeyPrefix,
            SqliteFolder = Path.GetFullPath(Path.Combine(options.DataDir, "online")),
        };
        services.AddSingleton(store);
        services.AddSingleton<IOnlineStore>(sp => store.RedisConnectionString is not null
            ? RedisOnlineStore.ConnectAsync(store, sp.GetRequiredService<ILogger<RedisOnlineStore>>()).GetAwaiter().GetResult()
            : SqliteOnlineStore.Open(store, sp.GetRequiredService<ILogger<SqliteOnlineStore>>()));
        return services;
    }
}
