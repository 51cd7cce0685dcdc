using MlOps.Orleans.Bench.Hosting;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// One measured window: wait for a quiet machine, measure with CPU accounting, and measure again (up to
/// <see cref="Retries"/> times) when another process took more than <see cref="MaxOtherCores"/> meanwhile. A neighbour
/// that starts compiling halfway through a window is then a discarded window, not a spoilt median.
/// </summary>
internal sealed class Window(QuietMachine quiet, double? maxOtherCores, int retries)
{
    public double? MaxOtherCores => maxOtherCores;
    public int Retries => retries;

    public async Task<(T Result, CpuUse Cpu, int Discarded)> MeasureAsync<T>(BenchTarget target, Func<Task<T>> measure, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await quiet.WaitAsync(target.Measured, ct);
            var meter = new CpuMeter(target.Measured);
            var result = await measure();
            var cpu = meter.Stop();
            if (maxOtherCores is not { } max || cpu.OtherCores is not { } other || other <= max || attempt >= retries)
                return (result, cpu, attempt);
            Console.Error.WriteLine($"#   window discarded: other processes took {other:0.00} cores (> {max:0.00}); measuring again");
        }
    }
}
