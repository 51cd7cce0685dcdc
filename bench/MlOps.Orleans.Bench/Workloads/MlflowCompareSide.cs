using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One server's figures over the kept windows of one case: throughput as all acknowledged requests over all kept measured
/// time, latency percentiles over all requests of the kept windows (not medians of per-window percentiles), and the raw
/// per-window figures beside them.
/// </summary>
internal sealed class MlflowCompareSide
{
    public MlflowCompareSide(int server, WindowRun<MlflowPairedLoop.Result> run)
    {
        Server = server;
        Run = run;
        var kept = run.Kept.ToList();
        Latency = Stats.SummarizeAll(kept.Select(k => k.Latencies));
        var seconds = kept.Sum(k => k.Elapsed.TotalSeconds);
        RequestsPerSecond = seconds > 0 ? kept.Sum(k => k.Requests) / seconds : double.NaN;
        ValuesPerSecond = seconds > 0 ? kept.Sum(k => k.Values) / seconds : double.NaN;
        Errors = run.Windows.Sum(w => w.Result.Errors.Count);
        ServerCoresMedian = Stats.Median(run.Windows.Where(w => w.Verdict.Kept).Select(ServerCores).Where(double.IsFinite));
    }

    public int Server { get; }
    public WindowRun<MlflowPairedLoop.Result> Run { get; }
    public Summary Latency { get; }
    public double RequestsPerSecond { get; }
    public double ValuesPerSecond { get; }
    public int Errors { get; }
    public double ServerCoresMedian { get; }

    /// <summary>Busy cores of the server a window measured: ours' process, or MLflow's whole tree.</summary>
    private double ServerCores(JudgedWindow<MlflowPairedLoop.Result> w) =>
        Server == MlflowPair.Ours ? w.Cpu.ServerCores ?? double.NaN : w.ExtraCores ?? double.NaN;

    public JsonObject ToJson()
    {
        var json = Run.ToJson(r => new JsonObject
        {
            ["requests"] = r.Requests, ["values"] = r.Values, ["loop_s"] = Math.Round(r.Elapsed.TotalSeconds, 3),
            ["requests_per_s"] = Round(r.RequestsPerSecond, 1), ["values_per_s"] = Round(r.ValuesPerSecond, 0),
            ["latency"] = Stats.Summarize(r.Latencies).ToJson(), ["errors"] = r.Errors.ToJson(),
        });
        json["server"] = MlflowPair.Name(Server);
        json["requests_per_s"] = Round(RequestsPerSecond, 1);
        json["values_per_s"] = Round(ValuesPerSecond, 0);
        json["latency_all_requests"] = Latency.ToJson();
        json["server_cores_median"] = Round(ServerCoresMedian, 2);
        json["errors"] = Errors;
        return json;
    }

    private static double? Round(double v, int digits) => double.IsFinite(v) ? Math.Round(v, digits) : null;
}
