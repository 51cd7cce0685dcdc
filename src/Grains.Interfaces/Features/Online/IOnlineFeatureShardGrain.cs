using Orleans.Concurrency;

namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// The hot rows of one shard of one entity key space (key <c>"&lt;keyspace&gt;/&lt;shard&gt;"</c>), for every online view keyed by
/// that key space: a request costs one call per touched shard however many views it names. Reads are served from memory and
/// read through to the online store on a miss; writes go to the store before they are acknowledged, newest row wins. Every write
/// of the shard's keys passes through this grain, so what it holds never goes stale.
/// </summary>
[Alias("mlops.features.IOnlineFeatureShardGrain")]
public interface IOnlineFeatureShardGrain : IGrainWithStringKey
{
    /// <summary><c>result[view][entity]</c>, null when the store has no row. UNAVAILABLE when a miss cannot reach the store.</summary>
    [ReadOnly, Alias("Read")] Task<OnlineRow?[][]> Read(IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entityKeys);

    /// <summary>Writes rows of one view through to the store, then into memory; returns how many were applied (newer than stored).
    /// UNAVAILABLE when the store cannot take them: nothing is acknowledged that the store does not hold.</summary>
    [Alias("Write")] Task<int> Write(OnlineViewLayout view, IReadOnlyList<KeyValuePair<string, OnlineRow>> rows);

    /// <summary>Forgets every row of a view version held in memory (the view was re-versioned or removed).</summary>
    [Alias("Forget")] Task Forget(OnlineViewKey view);

    /// <summary>Where this shard lives and how much it holds, for tests and diagnostics.</summary>
    [Alias("Describe")] Task<ShardInfo> Describe();
}

/// <summary>A shard's silo and the rows it holds in memory.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.ShardInfo")]
public sealed record ShardInfo(
    [property: Id(0)] string Silo,
    [property: Id(1)] int CachedRows);
