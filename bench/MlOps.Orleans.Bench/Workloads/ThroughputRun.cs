using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One driver's closed-loop run of a throughput workload: its judged windows, values/s per window with the median and the
/// minimum of the kept ones, the latency of every call over all calls of the kept windows, and the server's CPU per 1,000
/// values. The throughput counterpart of <see cref="LatencyRun"/>, read the same way.
/// </summary>
/// <param name="LatencyName">What each latency times, for the result line: "call" (LogBatch) or "ack" (a streamed message).</param>
internal sealed record ThroughputRun(string Driver, WindowRun<IngestWindow> Run, string LatencyName = "call")
{
    private IReadOnlyList<ThroughputStats.Sample> KeptSamples { get; } = Run.Windows.Where(w => w.Verdict.Kept)
        .Select(w => new ThroughputStats.Sample(w.Result.Values, w.Result.Elapsed.TotalSeconds, w.Cpu.ServerCores * w.Elapsed.TotalSeconds)).ToList();

    public double MedianValuesPerSecond => ThroughputStats.MedianRate(KeptSamples);

    public double MinValuesPerSecond => ThroughputStats.MinRate(KeptSamples);

    public double ServerCpuMsPerThousandValues => ThroughputStats.ServerCpuMsPerThousandValues(KeptSamples);

    public Summary CallLatency { get; } = Stats.SummarizeAll(Run.Kept.Select(k => k.CallLatencies));

    public int Errors => Run.Windows.Sum(w => w.Result.Errors.Count);

    public double ServerCoresMedian =>
        Stats.Median(Run.Windows.Where(w => w.Verdict.Kept).Select(w => w.Cpu.ServerCores ?? double.NaN).Where(double.IsFinite));

    public JsonObject ToJson()
    {
        var json = Run.ToJson(r => r.ToJson());
        json["driver"] = Driver;
        json["values_per_s_median"] = Round(MedianValuesPerSecond, 0);
        json["values_per_s_min"] = Round(MinValuesPerSecond, 0);
        json["values_per_s_per_window"] = new JsonArray(Run.Windows.Select(w => (JsonNode?)Round(w.Result.ValuesPerSecond, 0)).ToArray());
        json["call_latency_all_calls"] = CallLatency.ToJson();
        json["server_cores_median"] = Round(ServerCoresMedian, 2);
        json["server_cpu_ms_per_1000_values"] = Round(ServerCpuMsPerThousandValues, 3);
        json["errors"] = Errors;
        return json;
    }

    /// <summary>The call latency above the same driver's gRPC floor: what a batch costs beyond an empty round trip.</summary>
    public JsonObject AboveFloor(LatencyRun floor) => new()
    {
        ["floor_driver"] = floor.Driver, ["floor_p50_ms"] = Round(floor.Latency.P50, 3), ["floor_p99_ms"] = Round(floor.Latency.P99, 3),
        ["call_p50_minus_floor_p50_ms"] = Round(CallLatency.P50 - floor.Latency.P50, 3),
        ["call_p99_minus_floor_p99_ms"] = Round(CallLatency.P99 - floor.Latency.P99, 3),
    };

    public string DescribeAboveFloor(LatencyRun floor) => string.Create(CultureInfo.InvariantCulture,
        $"gRPC floor ({floor.Driver}) p50 {floor.Latency.P50:0.###} p99 {floor.Latency.P99:0.###} ms{(floor.Run.Void ? " VOID" : "")}; " +
        $"{LatencyName} p50 - floor p50 {CallLatency.P50 - floor.Latency.P50:0.###} ms, {LatencyName} p99 - floor p99 {CallLatency.P99 - floor.Latency.P99:0.###} ms");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"median {MedianValuesPerSecond:N0} values/s, min {MinValuesPerSecond:N0} (per window {string.Join(", ", Run.Windows.Select(w => w.Result.ValuesPerSecond.ToString("N0", CultureInfo.InvariantCulture)))}); " +
        $"{LatencyName} p50 {CallLatency.P50:0.###} p99 {CallLatency.P99:0.###} max {CallLatency.Max:0.###} ms over {CallLatency.Count} {LatencyName}s; " +
        $"server {ServerCoresMedian:0.00} cores, {ServerCpuMsPerThousandValues:0.###} ms CPU per 1,000 values; errors {Errors}; {Run.Describe()}");

    private static double? Round(double v, int digits) => double.IsFinite(v) ? Math.Round(v, digits) : null;
}
