using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Telemetry;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using Orleans.Placement;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// One shard of one entity key space: serves reads from memory, reads misses through to the online store in one round trip,
/// and acknowledges a write only once the store holds it. Reads interleave with each other (they are marked read-only) but never
/// with a write, so a read-through can never put back a row that a concurrent write replaced.
/// </summary>
// Hash placement spreads a key space's shards evenly over the silos (random placement can pile them on one) and moves only the
// shards of a silo that leaves.
// Kept alive: online retrieval on this silo reads its rows without calling it (LocalShards), so a busy shard may see no calls,
// and collecting it would throw its hot rows away.
[HashBasedPlacement, KeepAlive]
public sealed class OnlineFeatureShardGrain(IOnlineStore store, OnlineServingOptions serving, OnlineStoreOptions storeOptions, ILocalSiloDetails silo,
    LocalShards local) : Grain, IOnlineFeatureShardGrain
{
    private readonly ShardCache _cache = new(serving.CacheRowsPerShard);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        local.Add(this.GetPrimaryKeyString(), _cache);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        local.Remove(this.GetPrimaryKeyString(), _cache);
        return Task.CompletedTask;
    }

    public async Task<OnlineRow?[][]> Read(IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entityKeys)
    {
        var start = Stages.Start(Stages.OnlineShardRead);
        var now = DateTime.UtcNow;
        var result = new OnlineRow?[views.Count][];
        List<int>? missing = null;
        bool[]? marked = null;
        var misses = 0;
        for (var v = 0; v < views.Count; v++)
        {
            result[v] = new OnlineRow?[entityKeys.Count];
            for (var e = 0; e < entityKeys.Count; e++)
            {
                if (_cache.TryGetLive(views[v], entityKeys[e], now, storeOptions.ExpiryGrace, out var row))
                {
                    result[v][e] = row;
                }
                else
                {
                    misses++;
                    if (!(marked ??= new bool[entityKeys.Count])[e])
                    {
                        marked[e] = true;
                        (missing ??= []).Add(e);
                    }
                }
            }
        }
        OnlineCacheMetrics.Record(views.Count * entityKeys.Count - misses, misses);
        if (missing is null)
        {
            if (start != 0) Stages.OnlineShardRead.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("path", "memory"));
            return result;
        }

        var keys = missing.Select(e => entityKeys[e]).ToList();
        OnlineRow?[][] fetched;
        try
        {
            var storeStart = Stages.Start(Stages.OnlineShardRead);
            fetched = await store.ReadAsync(views, keys, CancellationToken.None);
            if (storeStart != 0) Stages.OnlineShardRead.Record(Stages.ElapsedMs(storeStart), new KeyValuePair<string, object?>("path", "store"));
        }
        catch (OnlineStoreUnavailableException e)
        {
            throw new MlopsException(ErrorCode.Unavailable, $"online store unavailable and {keys.Count} entity key(s) are not held in memory: {e.Message}");
        }
        for (var v = 0; v < views.Count; v++)
        {
            for (var i = 0; i < missing.Count; i++)
            {
                var row = fetched[v][i];
                var e = missing[i];
                if (result[v][e] is null) result[v][e] = row;
                _cache.Offer(views[v].Key, keys[i], row);
            }
        }
        if (start != 0) Stages.OnlineShardRead.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("path", "read_through"));
        return result;
    }

    public async Task<int> Write(OnlineViewLayout view, IReadOnlyList<KeyValuePair<string, OnlineRow>> rows)
    {
        int applied;
        try
        {
            applied = await store.WriteAsync(view, rows, CancellationToken.None);
        }
        catch (OnlineStoreUnavailableException e)
        {
            throw new MlopsException(ErrorCode.Unavailable, $"online store unavailable; {rows.Count} row(s) of '{view.Key}' were not written: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw MlopsException.Invalid("rows", $"rows of '{view.Key}' refused by the online store: {e.Message}");
        }
        // When the store took every row of a batch without duplicate keys, each row is the newest there: hold them all. Otherwise
        // only refresh rows already held, since a skipped row may be older than what the store has.
        var allApplied = applied == rows.Count && rows.Select(r => r.Key).Distinct(StringComparer.Ordinal).Count() == rows.Count;
        foreach (var (key, row) in rows)
        {
            if (allApplied) _cache.Offer(view.Key, key, row);
            else _cache.Refresh(view.Key, key, row);
        }
        return applied;
    }

    public Task Forget(OnlineViewKey view)
    {
        _cache.Forget(view);
        return Task.CompletedTask;
    }

    public Task<ShardInfo> Describe() => Task.FromResult(new ShardInfo(silo.SiloAddress.ToString(), _cache.Count));
}
