using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <param name="DispatchLateness">How late the driver itself sent calls; large values mean the client, not the server, fell behind.</param>
internal sealed record OpenLoopResult(double OfferedRate, Summary Latency, Summary DispatchLateness, double AchievedRate, int Failed)
{
    /// <summary>Every successful call's latency in ms, so a run's percentiles are taken over all its requests
    /// (<see cref="Stats.SummarizeAll"/>). Not written to the results file.</summary>
    public IReadOnlyList<double> Latencies { get; init; } = [];

    public JsonObject ToJson() => new()
    {
        ["offered_per_s"] = OfferedRate, ["achieved_per_s"] = Math.Round(AchievedRate, 1), ["latency"] = Latency.ToJson(),
        ["dispatch_lateness"] = DispatchLateness.ToJson(), ["failed"] = Failed,
    };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"offered {OfferedRate:0}/s achieved {AchievedRate:0.0}/s latency {Latency}, dispatch lateness p99 {DispatchLateness.P99:0.###}ms, failed {Failed}");
}
