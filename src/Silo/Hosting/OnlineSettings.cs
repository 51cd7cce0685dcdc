namespace MlOps.Orleans.Silo.Hosting;

/// <summary>Online serving and its store, from <c>Mlops:Online:*</c>.</summary>
public sealed class OnlineSettings
{
    public const string Section = "Mlops:Online";

    /// <summary>A StackExchange.Redis configuration string; unset means the embedded SQLite store under the data folder.</summary>
    public string? Redis { get; set; }

    /// <summary>Prepended to every Redis key, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "ofs";

    /// <summary>Shards per entity key space; fixed for a deployment.</summary>
    public int ShardCount { get; set; } = 16;

    /// <summary>Rows each shard keeps in memory.</summary>
    public int CacheRowsPerShard { get; set; } = 200_000;

    public string? RedisEndpoint => string.IsNullOrEmpty(Redis) ? null : Redis;

    /// <param name="isCluster">Whether the silo runs in cluster mode, where a shared store is required.</param>
    public IEnumerable<string> Validate(bool isCluster)
    {
        if (ShardCount is < 1 or > 4096) yield return $"{Section}:ShardCount must be 1..4096";
        if (CacheRowsPerShard < 0) yield return $"{Section}:CacheRowsPerShard must not be negative";
        // A shard grain moves to another silo when its silo leaves; with a per-silo SQLite file it would come back without
        // the rows it had acknowledged. So a cluster must share one online store, and starting without it is refused.
        if (isCluster && RedisEndpoint is null)
            yield return $"{Section}:Redis (env MLOPS__ONLINE__REDIS, switch --redis) is required when Mlops:Mode is Cluster: " +
                "the silos must share one online store, or rows acknowledged by a silo that leaves are lost";
    }
}
