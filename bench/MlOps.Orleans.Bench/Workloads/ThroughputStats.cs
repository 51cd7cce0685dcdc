namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// The figures of a throughput run from its kept windows, as plain numbers so they can be tested without a server:
/// the median and the minimum of the per-window rates (the minimum says how low a quiet window went, which a median hides),
/// and the server's CPU per 1,000 values, the whole run's server CPU time over all its values (a cost, comparable across
/// runs whose rates differ).
/// </summary>
internal static class ThroughputStats
{
    /// <param name="Values">Values acknowledged in the window.</param>
    /// <param name="Seconds">How long the values took to send and acknowledge.</param>
    /// <param name="ServerCpuSeconds">The server's CPU time over the window; null when its process is unknown.</param>
    public readonly record struct Sample(long Values, double Seconds, double? ServerCpuSeconds)
    {
        public double PerSecond => Seconds > 0 ? Values / Seconds : double.NaN;
    }

    public static double MedianRate(IReadOnlyList<Sample> kept) => Measure.Stats.Median(kept.Select(s => s.PerSecond).Where(double.IsFinite));

    public static double MinRate(IReadOnlyList<Sample> kept)
    {
        var rates = kept.Select(s => s.PerSecond).Where(double.IsFinite).ToList();
        return rates.Count == 0 ? double.NaN : rates.Min();
    }

    /// <summary>Server CPU milliseconds per 1,000 values over the kept windows that know the server's CPU; NaN without any.</summary>
    public static double ServerCpuMsPerThousandValues(IReadOnlyList<Sample> kept)
    {
        var known = kept.Where(s => s.ServerCpuSeconds is { } c && double.IsFinite(c)).ToList();
        var values = known.Sum(s => s.Values);
        if (values == 0) return double.NaN;
        var cpuMs = known.Sum(s => s.ServerCpuSeconds!.Value * 1000);
        return cpuMs / values * 1000;
    }
}
