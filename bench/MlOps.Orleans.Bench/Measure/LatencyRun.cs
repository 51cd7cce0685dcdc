using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// One driver's open-loop run at one rate: its judged windows and the percentiles over all requests of the kept ones (not a
/// median of per-window percentiles). Used for workloads and for the gRPC floor alike, so both are read the same way.
/// </summary>
internal sealed record LatencyRun(string Driver, double Rate, WindowRun<(OpenLoopResult Loop, ErrorLog Errors)> Run)
{
    public Summary Latency { get; } = Stats.SummarizeAll(Run.Kept.Select(k => k.Loop.Latencies));

    public int Failed => Run.Windows.Sum(w => w.Result.Loop.Failed);

    public double AchievedMedian => Stats.Median(Run.Kept.Select(k => k.Loop.AchievedRate));

    public double ServerCoresMedian =>
        Stats.Median(Run.Windows.Where(w => w.Verdict.Kept).Select(w => w.Cpu.ServerCores ?? double.NaN).Where(double.IsFinite));

    public double DispatchLatenessP99Max => Run.Windows.Select(w => w.Result.Loop.DispatchLateness.P99).DefaultIfEmpty(double.NaN).Max();

    public JsonObject ToJson()
    {
        var json = Run.ToJson(r =>
        {
            var window = r.Loop.ToJson();
            window["errors"] = r.Errors.ToJson();
            return window;
        });
        json["driver"] = Driver;
        json["rate_per_s"] = Rate;
        json["latency_all_requests"] = Latency.ToJson();
        json["achieved_per_s_median"] = Round(AchievedMedian, 1);
        json["server_cores_median"] = Round(ServerCoresMedian, 2);
        json["failed"] = Failed;
        return json;
    }

    /// <summary>"p50 − floor p50" and "p99 − floor p99": the latency this workload adds above the same driver's gRPC floor.</summary>
    public JsonObject AboveFloor(LatencyRun floor) => new()
    {
        ["floor_driver"] = floor.Driver, ["floor_p50_ms"] = Round(floor.Latency.P50, 3), ["floor_p99_ms"] = Round(floor.Latency.P99, 3),
        ["p50_minus_floor_p50_ms"] = Round(Latency.P50 - floor.Latency.P50, 3), ["p99_minus_floor_p99_ms"] = Round(Latency.P99 - floor.Latency.P99, 3),
    };

    public string DescribeAboveFloor(LatencyRun floor) => string.Create(CultureInfo.InvariantCulture,
        $"gRPC floor ({floor.Driver}) p50 {floor.Latency.P50:0.###} p99 {floor.Latency.P99:0.###} ms{(floor.Run.Void ? " VOID" : "")}; " +
        $"p50 - floor p50 {Latency.P50 - floor.Latency.P50:0.###} ms, p99 - floor p99 {Latency.P99 - floor.Latency.P99:0.###} ms");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {Latency.P50:0.###} p90 {Latency.P90:0.###} p99 {Latency.P99:0.###} max {Latency.Max:0.###} ms over {Latency.Count} requests, failed {Failed}; {Run.Describe()}");

    private static double? Round(double v, int digits) => double.IsFinite(v) ? Math.Round(v, digits) : null;
}
