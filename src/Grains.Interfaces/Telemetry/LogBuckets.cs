namespace MlOps.Orleans.Contracts.Telemetry;

/// <summary>
/// The fixed bucket layout every stage histogram uses, so that two snapshots (or two processes) subtract and add bucket by
/// bucket. Bucket 0 holds values below <see cref="MinMs"/>; bucket i in 1..<see cref="Count"/>−2 holds
/// [MinMs·Growth^(i−1), MinMs·Growth^i); the last holds everything from <see cref="MaxMs"/> up. A growth of 4% keeps any
/// percentile read from the buckets within 2% of the true value (the bucket's geometric middle is reported).
/// </summary>
public static class LogBuckets
{
    /// <summary>1 µs: below a clock read's own cost, nothing finer is meaningful.</summary>
    public const double MinMs = 0.001;
    /// <summary>60 s: longer stages are reported as "at least a minute".</summary>
    public const double MaxMs = 60_000;
    public const double Growth = 1.04;
    private static readonly double LogGrowth = Math.Log(Growth);

    /// <summary>Regular buckets between <see cref="MinMs"/> and <see cref="MaxMs"/>, plus underflow and overflow.</summary>
    public static readonly int Count = (int)Math.Ceiling(Math.Log(MaxMs / MinMs) / LogGrowth) + 2;

    public static int IndexOf(double ms)
    {
        if (!(ms >= MinMs)) return 0; // NaN and negatives count as "below the minimum", never as a bucket out of range.
        if (ms >= MaxMs) return Count - 1;
        var i = (int)(Math.Log(ms / MinMs) / LogGrowth) + 1;
        return Math.Clamp(i, 1, Count - 2);
    }

    /// <summary>The smallest value bucket <paramref name="index"/> holds (0 for the underflow bucket).</summary>
    public static double LowerMs(int index) => index <= 0 ? 0 : index >= Count - 1 ? MaxMs : MinMs * Math.Pow(Growth, index - 1);

    /// <summary>The bound above bucket <paramref name="index"/> (infinity for the overflow bucket).</summary>
    public static double UpperMs(int index) => index >= Count - 1 ? double.PositiveInfinity : index <= 0 ? MinMs : MinMs * Math.Pow(Growth, index);

    /// <summary>The value reported for bucket <paramref name="index"/>: its geometric middle; the edges report their bound.</summary>
    public static double RepresentativeMs(int index) =>
        index <= 0 ? MinMs : index >= Count - 1 ? MaxMs : MinMs * Math.Pow(Growth, index - 0.5);
}
