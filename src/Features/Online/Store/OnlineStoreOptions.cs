namespace MlOps.Orleans.Features.Online.Store;

/// <summary>Settings of the online store backends. The defaults suit a loopback or same-datacenter Redis.</summary>
public sealed class OnlineStoreOptions
{
    /// <summary>StackExchange.Redis configuration string, e.g. "10.0.0.5:6379,password=...". Null: use SQLite.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// Prepended to every Redis key, so several deployments (or test classes) can share one Redis. Short, because it is
    /// stored in every key; it must not contain '{' or '}' (they would change the cluster hash slot).
    /// </summary>
    public string KeyPrefix { get; set; } = "ofs";

    /// <summary>The folder the embedded store keeps its own SQLite file (<c>online.db</c>) in.</summary>
    public string? SqliteFolder { get; set; }

    /// <summary>How long one store call may wait for the backend before it fails with <see cref="OnlineStoreUnavailableException"/>.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one attempt to (re)connect to Redis may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a row is kept after it went past its view's ttl, so readers can still answer OUTSIDE_MAX_AGE (and return the
    /// stale value, as Feast does) instead of NOT_FOUND. Rows older than ttl + grace are gone.
    /// </summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the background sweep runs (dropped view versions without a ttl in Redis; expired and dropped rows in
    /// SQLite). Null turns it off; <c>SweepAsync</c> can still be called.
    /// </summary>
    public TimeSpan? SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many keys are looked at per sweep step, so a sweep never holds the backend for long.</summary>
    public int SweepBatch { get; set; } = 1000;
}
