using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// <see cref="Window"/> for the workloads that measure more than one process: wait for a quiet machine, measure with CPU
/// accounting (plus one more process, Azurite, counted on its own rather than as a neighbour), and measure again when
/// other processes took more than <c>--max-other</c> cores meanwhile (up to <c>--retries</c> times).
/// </summary>
internal static class PlatformWindow
{
    public static async Task<(T Result, CpuUse Cpu, double? ExtraCores, int Discarded)> MeasureAsync<T>(Common common, MeasuredProcesses measured,
        int? extraPid, Func<Task<T>> measure, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await common.Quiet.WaitAsync(measured, ct);
            var meter = new CpuMeter(measured);
            var extra = new ProcessCpu(extraPid);
            var result = await measure();
            var cpu = meter.Stop();
            var extraCores = extra.Stop();
            var other = (cpu.OtherCores ?? Math.Max(0, cpu.MachineCores - cpu.ClientCores)) - (extraCores ?? 0);
            if (common.Window.MaxOtherCores is not { } max || other <= max || attempt >= common.Window.Retries)
                return (result, cpu, extraCores, attempt);
            Console.Error.WriteLine($"#   window discarded: other processes took {other:0.00} cores (> {max:0.00}); measuring again");
        }
    }
}
