using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One measured window of a throughput workload: values acknowledged over the window (calls still in flight at its end
/// included), and the latency of every call or acknowledged message, kept whole so a run's percentiles are taken over all
/// calls of its kept windows (<see cref="Stats.SummarizeAll"/>), not as a median of per-window percentiles.
/// </summary>
internal sealed record IngestWindow(long Values, TimeSpan Elapsed, IReadOnlyList<double> CallLatencies, ErrorLog Errors)
{
    public double ValuesPerSecond => Elapsed > TimeSpan.Zero ? Values / Elapsed.TotalSeconds : double.NaN;

    /// <summary>The window's raw figures for the results file (the latencies themselves only as their summary).</summary>
    public JsonObject ToJson() => new()
    {
        ["values"] = Values, ["values_per_s"] = double.IsFinite(ValuesPerSecond) ? Math.Round(ValuesPerSecond) : null,
        ["measured_s"] = Math.Round(Elapsed.TotalSeconds, 3), ["call_latency"] = Stats.Summarize(CallLatencies).ToJson(), ["errors"] = Errors.ToJson(),
    };
}
