using MlOps.Orleans.Features.Online;

namespace MlOps.Orleans.Features;

/// <summary>
/// A shard's rows in memory, bounded: past the capacity an eighth of the entries is dropped (enumeration order, which is close
/// to insertion order for a dictionary without removals), so eviction is cheap and never blocks on the store.
/// A present key with a null row means "the store has none", which is safe to keep because every write of the shard's keys
/// passes through the shard.
/// </summary>
internal sealed class ShardCache(int capacity)
{
    private readonly Dictionary<(OnlineViewKey View, string Entity), OnlineRow?> _rows = [];

    public int Count => _rows.Count;

    public bool TryGet(OnlineViewKey view, string entity, out OnlineRow? row) => _rows.TryGetValue((view, entity), out row);

    /// <summary>Keeps <paramref name="row"/> unless a newer row is already held (newest wins, as in the store).</summary>
    public void Offer(OnlineViewKey view, string entity, OnlineRow? row)
    {
        if (capacity == 0) return;
        if (_rows.TryGetValue((view, entity), out var held) && held is not null && (row is null || IsOlder(row, held))) return;
        if (_rows.Count >= capacity && !_rows.ContainsKey((view, entity))) Evict();
        _rows[(view, entity)] = row;
    }

    /// <summary>Replaces a held row when <paramref name="row"/> is not older; leaves unknown keys alone.</summary>
    public void Refresh(OnlineViewKey view, string entity, OnlineRow row)
    {
        if (_rows.TryGetValue((view, entity), out var held) && (held is null || !IsOlder(row, held))) _rows[(view, entity)] = row;
    }

    public void Remove(OnlineViewKey view, string entity) => _rows.Remove((view, entity));

    public void Forget(OnlineViewKey view)
    {
        foreach (var key in _rows.Keys.Where(k => k.View == view).ToList()) _rows.Remove(key);
    }

    private void Evict()
    {
        foreach (var key in _rows.Keys.Take(Math.Max(1, capacity / 8)).ToList()) _rows.Remove(key);
    }

    /// <summary>Ordered by event time, then created time (a missing created time sorts first), as the store orders them.</summary>
    public static bool IsOlder(OnlineRow row, OnlineRow than)
    {
        var byEvent = row.EventTimestamp.CompareTo(than.EventTimestamp);
        if (byEvent != 0) return byEvent < 0;
        return (row.CreatedTimestamp ?? DateTime.MinValue) < (than.CreatedTimestamp ?? DateTime.MinValue);
    }
}
