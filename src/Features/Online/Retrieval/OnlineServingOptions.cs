namespace MlOps.Orleans.Features.Online.Retrieval;

/// <summary>How online serving is partitioned and cached, from <c>Mlops:Online:*</c>.</summary>
public sealed class OnlineServingOptions
{
    /// <summary>Shards per entity key space. Fixed for a deployment: changing it moves keys between shards (caches refill).</summary>
    public int ShardCount { get; set; } = 16;

    /// <summary>Rows each shard keeps in memory before it evicts; the online store holds the rest.</summary>
    public int CacheRowsPerShard { get; set; } = 200_000;

    /// <summary>How long a silo reuses a resolved feature request before reading the definitions again, and how often a
    /// standalone gateway asks whether the definitions' revision moved (an apply reaches online serving within this time).</summary>
    public TimeSpan DefinitionCacheTime { get; set; } = TimeSpan.FromSeconds(2);
}
