namespace MlOps.Orleans.Contracts.Telemetry;

/// <summary>
/// Counts per <see cref="LogBuckets"/> bucket, the number of values and their sum, at one moment. Two snapshots of the same
/// histogram subtract into the values recorded between them (<see cref="Minus"/>); snapshots of different processes add
/// (<see cref="Plus"/>). Percentiles are read from the buckets, so they are good to the bucket width (±2%).
/// </summary>
public sealed class StageSnapshot
{
    private readonly long[] _buckets;

    public StageSnapshot(long[] buckets, long count, double sumMs)
    {
        if (buckets.Length != LogBuckets.Count)
            throw new ArgumentException($"expected {LogBuckets.Count} buckets, got {buckets.Length}", nameof(buckets));
        _buckets = buckets;
        Count = count;
        SumMs = sumMs;
    }

    public static StageSnapshot Empty => new(new long[LogBuckets.Count], 0, 0);

    public long Count { get; }
    public double SumMs { get; }
    public IReadOnlyList<long> Buckets => _buckets;

    public double? MeanMs => Count > 0 ? SumMs / Count : null;

    /// <summary>The non-empty buckets as (index, count), the compact form the endpoint answers with.</summary>
    public IEnumerable<(int Index, long Count)> NonEmpty()
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            if (_buckets[i] != 0) yield return (i, _buckets[i]);
        }
    }

    /// <summary>A snapshot from the compact (index, count) form; unknown indexes are refused rather than dropped.</summary>
    public static StageSnapshot FromNonEmpty(IEnumerable<(int Index, long Count)> buckets, long count, double sumMs)
    {
        var all = new long[LogBuckets.Count];
        foreach (var (index, n) in buckets)
        {
            if (index < 0 || index >= all.Length) throw new ArgumentOutOfRangeException(nameof(buckets), index, "bucket index outside the layout");
            all[index] += n;
        }
        return new StageSnapshot(all, count, sumMs);
    }

    public StageSnapshot Plus(StageSnapshot other) => Combine(other, 1);

    /// <summary>What was recorded after <paramref name="earlier"/> was taken (a bucket never goes below zero).</summary>
    public StageSnapshot Minus(StageSnapshot earlier) => Combine(earlier, -1);

    /// <summary>
    /// The value below which a fraction <paramref name="q"/> (0..1) of the values fall, as the middle of the bucket holding
    /// the rank ⌈q·n⌉; null when empty. The bucket total is used as n, so a count read mid-write cannot point past the buckets.
    /// </summary>
    public double? Percentile(double q)
    {
        if (q is < 0 or > 1 || double.IsNaN(q)) throw new ArgumentOutOfRangeException(nameof(q), q, "a fraction from 0 to 1");
        long total = 0;
        foreach (var n in _buckets) total += n;
        if (total == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank) return LogBuckets.RepresentativeMs(i);
        }
        return LogBuckets.RepresentativeMs(_buckets.Length - 1);
    }

    private StageSnapshot Combine(StageSnapshot other, int sign)
    {
        var buckets = new long[_buckets.Length];
        for (var i = 0; i < buckets.Length; i++) buckets[i] = Math.Max(0, _buckets[i] + sign * other._buckets[i]);
        return new StageSnapshot(buckets, Math.Max(0, Count + sign * other.Count), Math.Max(0, SumMs + sign * other.SumMs));
    }
}
