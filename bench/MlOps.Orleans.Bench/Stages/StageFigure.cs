using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Stages;

/// <summary>One stage (with its tags) over a measured window: how many, mean, p50 and p99 (bucket middles, ±2%).</summary>
internal sealed record StageFigure(string Stage, string Tags, long Count, double? MeanMs, double? P50Ms, double? P99Ms)
{
    public JsonObject ToJson() => new()
    {
        ["stage"] = Stage,
        ["tags"] = Tags,
        ["count"] = Count,
        ["mean_ms"] = MeanMs is { } m ? Math.Round(m, 4) : null,
        ["p50_ms"] = P50Ms is { } p50 ? Math.Round(p50, 4) : null,
        ["p99_ms"] = P99Ms is { } p99 ? Math.Round(p99, 4) : null,
    };
}
