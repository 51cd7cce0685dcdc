using System.Diagnostics;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// <see cref="Window"/> for the workloads that measure more than one process: wait for a quiet machine, measure with CPU
/// accounting (plus one more process, Azurite, counted on its own rather than as a neighbour), and measure again when
/// other processes took more than <c>--max-other</c> cores meanwhile (up to <c>--retries</c> times). Windows under a
/// second are never discarded: CPU accounting is too coarse to judge them.
/// </summary>
internal static class PlatformWindow
{
    private static readonly TimeSpan MinimumJudgedWindow = TimeSpan.FromSeconds(1);

    public static async Task<(T Result, CpuUse Cpu, double? ExtraCores, int Discarded)> MeasureAsync<T>(Common common, MeasuredProcesses measured,
        int? extraPid, Func<Task<T>> measure, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await common.Quiet.WaitAsync(measured, ct);
            var meter = new CpuMeter(measured);
            var extra = new ProcessCpu(extraPid);
            var started = Stopwatch.GetTimestamp();
            var result = await measure();
            var cpu = meter.Stop();
            var extraCores = extra.Stop();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var other = (cpu.OtherCores ?? Math.Max(0, cpu.MachineCores - cpu.ClientCores)) - (extraCores ?? 0);
            // CPU time is counted in 10 ms ticks: over a window shorter than a second "other cores" is noise, not a neighbour.
            if (common.Window.MaxOtherCores is not { } max || elapsed < MinimumJudgedWindow || !double.IsFinite(other) || other <= max ||
                attempt >= common.Window.Retries)
                return (result, cpu, extraCores, attempt);
            Console.Error.WriteLine($"#   window discarded: other processes took {other:0.00} cores (> {max:0.00}); measuring again");
        }
    }
}
