using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record Summary(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public JsonObject ToJson() => new()
    {
        ["count"] = Count, ["p50_ms"] = Round(P50), ["p90_ms"] = Round(P90), ["p99_ms"] = Round(P99), ["max_ms"] = Round(Max), ["mean_ms"] = Round(Mean),
    };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"p50={P50:0.###}ms p90={P90:0.###}ms p99={P99:0.###}ms max={Max:0.###}ms (n={Count})");

    private static double Round(double v) => double.IsFinite(v) ? Math.Round(v, 3) : -1;
}
