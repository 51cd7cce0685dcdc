using System.Diagnostics;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// <see cref="Window.JudgeAsync{T}"/> for <c>mlflow-compare</c>: one window on one of the two servers, judged by the same
/// <see cref="WindowRules"/>, except that "others" excludes both servers. Ours is one process (the meter's server); the
/// real MLflow server is a process tree (launcher, gunicorn master, workers), counted with <see cref="ProcessTreeCpu"/>
/// because the launcher's own CPU time would miss the workers doing the work. The idle server's tree is excluded too:
/// gunicorn's housekeeping is part of the setup, not a neighbour.
/// </summary>
internal static class MlflowCompareWindow
{
    public static async Task<JudgedWindow<MlflowPairedLoop.Result>> JudgeAsync(Common common, MeasuredProcesses ours, int mlflowPid,
        Func<Task<MlflowPairedLoop.Result>> measure, CancellationToken ct)
    {
        await common.Quiet.WaitAsync(ours, ct);
        var meter = new CpuMeter(ours);
        var tree = new ProcessTreeCpu(mlflowPid);
        var started = Stopwatch.GetTimestamp();
        var result = await measure();
        var cpu = meter.Stop();
        var mlflowCores = tree.Stop();
        var elapsed = Stopwatch.GetElapsedTime(started);
        // Not CpuUse.OtherCores: it clamps at zero before MLflow's share could be taken off, which would hide a neighbour.
        var other = cpu.ServerCores is { } server
            ? cpu.MachineCores - cpu.ClientCores - server - cpu.DatabaseCores - mlflowCores
            : cpu.MachineCores - cpu.ClientCores - mlflowCores;
        return new JudgedWindow<MlflowPairedLoop.Result>(result, cpu, mlflowCores, Math.Max(0, other), elapsed,
            common.Window.Rules.Judge(other, cpu.StealPercent, elapsed));
    }
}
