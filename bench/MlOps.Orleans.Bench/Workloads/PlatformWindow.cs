using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// <see cref="Window"/> for the workloads that measure more than one process: one more process (Azurite, Redis) is counted
/// on its own rather than as a neighbour. Windows under a second are never discarded: CPU accounting is too coarse to
/// judge them (<see cref="WindowRules.MinimumJudgedWindow"/>).
/// </summary>
internal static class PlatformWindow
{
    /// <summary>The older one-window form: a discarded window is measured again, up to <c>--retries</c> times.</summary>
    public static Task<(T Result, CpuUse Cpu, double? ExtraCores, int Discarded)> MeasureAsync<T>(Common common, MeasuredProcesses measured,
        int? extraPid, Func<Task<T>> measure, CancellationToken ct) =>
        common.Window.MeasureAsync(measured, extraPid, measure, ct);

    /// <summary>The rule: <paramref name="windows"/> windows fixed before the run, discarded ones counted, void runs retried twice.</summary>
    public static Task<WindowRun<T>> RunAsync<T>(Common common, MeasuredProcesses measured, int? extraPid, int windows,
        Func<int, Task<T>> measure, CancellationToken ct) =>
        common.Window.RunAsync(measured, extraPid, windows, measure, ct);
}
