using System.Collections.Concurrent;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// A shard's rows in memory, bounded: past the capacity an eighth of the entries is dropped (enumeration order), so eviction is
/// cheap and never blocks on the store. A present key with a null row means "the store has none", which is safe to keep because
/// every write of the shard's keys passes through the shard.
/// Only the shard grain changes it (one turn at a time); online retrieval on the same silo may read it from other threads at the
/// same time (<see cref="LocalShards"/>), hence the concurrent dictionary.
/// </summary>
internal sealed class ShardCache(int capacity)
{
    private readonly ConcurrentDictionary<(OnlineViewKey View, string Entity), OnlineRow?> _rows = new();
    // Kept by the single writer: ConcurrentDictionary.Count takes every lock, too dear for each Offer.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(OnlineViewKey view, string entity, out OnlineRow? row) => _rows.TryGetValue((view, entity), out row);

    /// <summary>A held row that is not past the store's expiry (ttl + grace): what a read may answer without the store.</summary>
    public bool TryGetLive(OnlineViewLayout view, string entity, DateTime now, TimeSpan grace, out OnlineRow? row) =>
        _rows.TryGetValue((view.Key, entity), out row) && !Expired(view, row, now, grace);

    /// <summary>Keeps <paramref name="row"/> unless a newer row is already held (newest wins, as in the store).</summary>
    public void Offer(OnlineViewKey view, string entity, OnlineRow? row)
    {
        if (capacity == 0) return;
        var held = _rows.TryGetValue((view, entity), out var current);
        if (held && current is not null && (row is null || IsOlder(row, current))) return;
        if (!held && _count >= capacity) Evict();
        _rows[(view, entity)] = row;
        if (!held) Interlocked.Increment(ref _count);
    }

    /// <summary>Replaces a held row when <paramref name="row"/> is not older; leaves unknown keys alone.</summary>
    public void Refresh(OnlineViewKey view, string entity, OnlineRow row)
    {
        if (_rows.TryGetValue((view, entity), out var held) && (held is null || !IsOlder(row, held))) _rows[(view, entity)] = row;
    }

    public void Forget(OnlineViewKey view)
    {
        foreach (var pair in _rows)
        {
            if (pair.Key.View == view) Remove(pair.Key);
        }
    }

    private void Evict()
    {
        var drop = Math.Max(1, capacity / 8);
        foreach (var pair in _rows)
        {
            if (drop-- == 0) break;
            Remove(pair.Key);
        }
    }

    private void Remove((OnlineViewKey View, string Entity) key)
    {
        if (_rows.TryRemove(key, out _)) Interlocked.Decrement(ref _count);
    }

    /// <summary>The store drops rows past ttl + grace; a held row past that point is gone too.</summary>
    private static bool Expired(OnlineViewLayout view, OnlineRow? row, DateTime now, TimeSpan grace) =>
        row is not null && view.Ttl is { } ttl && row.EventTimestamp + ttl + grace < now;

    /// <summary>Ordered by event time, then created time (a missing created time sorts first), as the store orders them.</summary>
    public static bool IsOlder(OnlineRow row, OnlineRow than)
    {
        var byEvent = row.EventTimestamp.CompareTo(than.EventTimestamp);
        if (byEvent != 0) return byEvent < 0;
        return (row.CreatedTimestamp ?? DateTime.MinValue) < (than.CreatedTimestamp ?? DateTime.MinValue);
    }
}
