using System.Diagnostics;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One measured window of <c>mlflow-compare</c> on one of the two servers, with the CPU of both (the idle one should show
/// about zero) and of everything else. Like <see cref="PlatformWindow"/>, a window in which other processes took more
/// than <c>--max-other</c> cores is measured again (up to <c>--retries</c> times); the real MLflow server's process tree
/// is one of the measured processes here, not a neighbour.
/// </summary>
internal sealed record MlflowCompareWindow(int Server, int Round, bool First, MlflowPairedLoop.Result Loop, CpuUse Cpu, double MlflowCores, double OtherCores,
    int Discarded)
{
    private static readonly TimeSpan MinimumJudgedWindow = TimeSpan.FromSeconds(1);

    /// <summary>Busy cores of the server this window measured.</summary>
    public double? ServerCores => Server == MlflowPair.Ours ? Cpu.ServerCores : MlflowCores;

    public static async Task<MlflowCompareWindow> MeasureAsync(Common common, PlatformTarget ours, MlflowReferenceServer theirs, int server, int round,
        bool first, Func<Task<MlflowPairedLoop.Result>> measure, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await common.Quiet.WaitAsync(ours.Measured, ct);
            var meter = new CpuMeter(ours.Measured);
            var tree = new ProcessTreeCpu(theirs.Process.Id);
            var started = Stopwatch.GetTimestamp();
            var loop = await measure();
            var cpu = meter.Stop();
            var mlflow = tree.Stop();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var other = Math.Max(0, (cpu.OtherCores ?? cpu.MachineCores - cpu.ClientCores) - mlflow);
            if (common.Window.MaxOtherCores is not { } max || elapsed < MinimumJudgedWindow || !double.IsFinite(other) || other <= max ||
                attempt >= common.Window.Retries)
                return new MlflowCompareWindow(server, round, first, loop, cpu, mlflow, other, attempt);
            Console.Error.WriteLine($"#   window discarded: other processes took {other:0.00} cores (> {max:0.00}); measuring again");
        }
    }

    public JsonObject ToJson()
    {
        var cpu = Cpu.ToJson();
        cpu["mlflow_cores"] = Math.Round(MlflowCores, 2);
        cpu["other_cores"] = double.IsFinite(OtherCores) ? Math.Round(OtherCores, 2) : null;
        return new JsonObject
        {
            ["server"] = MlflowPair.Name(Server), ["round"] = Round, ["first_in_round"] = First, ["requests"] = Loop.Requests, ["values"] = Loop.Values,
            ["elapsed_s"] = Math.Round(Loop.Elapsed.TotalSeconds, 3), ["requests_per_s"] = Math.Round(Loop.RequestsPerSecond, 1),
            ["values_per_s"] = Math.Round(Loop.ValuesPerSecond), ["latency"] = Stats.Summarize(Loop.Latencies).ToJson(), ["cpu"] = cpu,
            ["errors"] = Loop.Errors.ToJson(), ["discarded_windows"] = Discarded,
        };
    }
}
