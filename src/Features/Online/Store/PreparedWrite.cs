using MlOps.Orleans.Contracts.Features.Online;
namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// A validated write batch: every row encoded (so a bad row fails the whole batch before anything is written), one row per
/// entity (the newest; the last of equals), rows already past ttl + grace left out.
/// </summary>
internal sealed class PreparedWrite
{
    private PreparedWrite(List<PreparedRow> rows, long maxExpiresAtMs)
    {
        Rows = rows;
        MaxExpiresAtMs = maxExpiresAtMs;
    }

    public List<PreparedRow> Rows { get; }

    /// <summary>The latest expiry of any row, <see cref="PreparedRow.Never"/> without a ttl, 0 for an empty batch.</summary>
    public long MaxExpiresAtMs { get; }

    public static PreparedWrite Prepare(
        OnlineViewLayout view, IReadOnlyList<KeyValuePair<string, OnlineRow>> rows, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(rows);
        var nowMs = now.ToUnixTimeMilliseconds();
        var keep = new List<PreparedRow>(rows.Count);
        // Index of each entity's row in keep; a batch rarely repeats an entity, but when it does the outcome must not
        // depend on the order the backend applies them in.
        var byEntity = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        long maxExpires = 0;
        foreach (var (entity, row) in rows)
        {
            if (string.IsNullOrEmpty(entity)) throw new ArgumentException($"a row of {view.Key} has an empty entity key");
            ArgumentNullException.ThrowIfNull(row);
            var value = OnlineRowCodec.Encode(view, row, entity);
            var (eventTicks, createdTicks) = OnlineRowCodec.Version(value);
            var expires = ExpiresAtMs(eventTicks, view.Ttl, grace);
            if (expires <= nowMs) continue;
            var prepared = new PreparedRow(entity, value, eventTicks, createdTicks, expires);
            if (byEntity.TryGetValue(entity, out var at))
            {
                var old = keep[at];
                if ((eventTicks, createdTicks).CompareTo((old.EventTicks, old.CreatedTicks)) >= 0) keep[at] = prepared;
            }
            else
            {
                byEntity[entity] = keep.Count;
                keep.Add(prepared);
            }
            maxExpires = Math.Max(maxExpires, expires);
        }
        return new PreparedWrite(keep, maxExpires);
    }

    /// <summary>event + ttl + grace in Unix ms, or <see cref="PreparedRow.Never"/> without a ttl.</summary>
    public static long ExpiresAtMs(long eventTicks, TimeSpan? ttl, TimeSpan grace)
    {
        if (ttl is not { } t) return PreparedRow.Never;
        var ticks = (decimal)eventTicks + t.Ticks + grace.Ticks - DateTime.UnixEpoch.Ticks;
        var ms = decimal.Floor(ticks / TimeSpan.TicksPerMillisecond);
        return ms >= long.MaxValue ? PreparedRow.Never - 1 : (long)ms;
    }
}
