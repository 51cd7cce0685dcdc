using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>Ours over theirs for one case: throughput (above 1 = ours faster) and p50/p99 latency (below 1 = ours faster).</summary>
internal sealed record MlflowCompareRatio(double RequestsPerSecond, double P50, double P99)
{
    public static MlflowCompareRatio Of(double oursPerSecond, Summary ours, double theirsPerSecond, Summary theirs) =>
        new(Divide(oursPerSecond, theirsPerSecond), Divide(ours.P50, theirs.P50), Divide(ours.P99, theirs.P99));

    /// <summary>a/b, NaN when either is unknown or b is zero (a ratio over nothing is no figure).</summary>
    public static double Divide(double a, double b) => double.IsFinite(a) && double.IsFinite(b) && b != 0 ? a / b : double.NaN;

    public JsonObject ToJson() => new()
    {
        ["requests_per_s"] = Round(RequestsPerSecond), ["p50"] = Round(P50), ["p99"] = Round(P99),
        ["reading"] = "throughput above 1 and latency below 1 mean ours is faster",
    };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"throughput {RequestsPerSecond:0.00}x, p50 {P50:0.000}x, p99 {P99:0.000}x");

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 4) : null;
}
