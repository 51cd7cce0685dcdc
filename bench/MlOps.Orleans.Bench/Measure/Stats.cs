namespace MlOps.Orleans.Bench.Measure;

internal static class Stats
{
    /// <summary>Nearest-rank percentile (no interpolation): the reported p99 is a latency some request really had.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.Order().ToList(), 50);

    /// <summary>
    /// Percentiles over every request of every window, merged: the p99 of the run, not a median of the windows' p99s (a tail
    /// that hits one window of three would vanish in that median).
    /// </summary>
    public static Summary SummarizeAll(IEnumerable<IEnumerable<double>> windows) => Summarize(windows.SelectMany(w => w));

    public static Summary Summarize(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return new Summary(sorted.Count, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99),
            sorted.Count == 0 ? double.NaN : sorted[^1], sorted.Count == 0 ? double.NaN : sorted.Average());
    }
}
