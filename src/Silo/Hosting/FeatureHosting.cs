using MlOps.Orleans.Features.Offline;
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
        return services;
    }
}
