using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One server's figures over the kept windows of every round: throughput as all acknowledged requests over all measured
/// time (and the per-round spread), latency percentiles over all requests, not medians of per-window percentiles.
/// </summary>
internal sealed class MlflowCompareSide
{
    private MlflowCompareSide(IReadOnlyList<MlflowCompareWindow> windows)
    {
        Windows = windows;
        Latency = Stats.Summarize(windows.SelectMany(w => w.Loop.Latencies));
        var seconds = windows.Sum(w => w.Loop.Elapsed.TotalSeconds);
        RequestsPerSecond = windows.Sum(w => w.Loop.Requests) / seconds;
        ValuesPerSecond = windows.Sum(w => w.Loop.Values) / seconds;
        Errors = windows.Sum(w => w.Loop.Errors.Count);
    }

    public IReadOnlyList<MlflowCompareWindow> Windows { get; }
    public Summary Latency { get; }
    public double RequestsPerSecond { get; }
    public double ValuesPerSecond { get; }
    public int Errors { get; }

    public static MlflowCompareSide Of(IEnumerable<MlflowCompareWindow> windows, int server) => new(windows.Where(w => w.Server == server).ToList());

    public JsonObject ToJson() => new()
    {
        ["requests_per_s"] = Math.Round(RequestsPerSecond, 1), ["values_per_s"] = Math.Round(ValuesPerSecond),
        ["values_per_s_rounds"] = new JsonArray(Windows.Select(w => (JsonNode)Math.Round(w.Loop.ValuesPerSecond)).ToArray()),
        ["latency_all_requests"] = Latency.ToJson(),
        ["server_cores_median"] = Windows.Select(w => w.ServerCores).OfType<double>().ToList() is { Count: > 0 } cores ? Math.Round(Stats.Median(cores), 2) : null,
        ["client_cores_median"] = Math.Round(Stats.Median(Windows.Select(w => w.Cpu.ClientCores)), 2),
        ["other_cores_max"] = Math.Round(Windows.Max(w => w.OtherCores), 2), ["errors"] = Errors,
        ["discarded_windows"] = Windows.Sum(w => w.Discarded),
    };
}
