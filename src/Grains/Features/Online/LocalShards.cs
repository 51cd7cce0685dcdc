using System.Collections.Concurrent;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// The shard grains active on this silo and their memory, so that online retrieval on the same silo answers from a shard's rows
/// without a grain call when every row it needs is held and live. A miss, an expired row or a shard on another silo still goes
/// through the grain (which reads through to the store). Reading the memory of an active shard is what its own Read does; the call
/// only added a hop through the scheduler, which is most of a cache hit's time.
/// </summary>
public sealed class LocalShards(OnlineStoreOptions store) : ILocalShardRows
{
    private readonly ConcurrentDictionary<string, ShardCache> _active = new(StringComparer.Ordinal);

    internal void Add(string grainKey, ShardCache cache) => _active[grainKey] = cache;

    internal void Remove(string grainKey, ShardCache cache) => _active.TryRemove(KeyValuePair.Create(grainKey, cache));

    public bool TryRead(string grainKey, OnlineViewLayout[] layouts, IReadOnlyList<int> views, IReadOnlyList<int> rowIndexes, string[] keys,
        DateTime now, OnlineRow?[][] into)
    {
        if (!_active.TryGetValue(grainKey, out var cache)) return false;
        foreach (var r in rowIndexes)
        {
            for (var l = 0; l < layouts.Length; l++)
            {
                if (!cache.TryGetLive(layouts[l], keys[r], now, store.ExpiryGrace, out var row)) return false;
                into[views[l]][r] = row;
            }
        }
        // Answered from an active shard's memory on this silo: every lookup a hit (the shard grain counts its own).
        OnlineCacheMetrics.Record(rowIndexes.Count * layouts.Length, 0);
        return true;
    }
}
