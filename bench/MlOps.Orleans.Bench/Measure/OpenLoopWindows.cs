using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Hosting;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// The usual latency measurement of one driver: an uncounted warm-up, then a number of open-loop windows fixed before the
/// run and judged by the window rules, each printed as it ends; p99 over all requests of the kept windows.
/// </summary>
internal static class OpenLoopWindows
{
    public static async Task<LatencyRun> MeasureAsync(Common common, BenchTarget target, string label, string driver, double rate,
        TimeSpan duration, int windows, TimeSpan warmup, Func<long, Task> call, CancellationToken ct)
    {
        if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(rate, warmup, call, new ErrorLog());
        return new LatencyRun(driver, rate, await common.Window.RunAsync(target, windows, async w =>
        {
            var log = new ErrorLog(abortAfter: int.MaxValue);
            var loop = await OpenLoop.RunAsync(rate, duration, call, log);
            Console.Error.WriteLine($"#   {label} {driver} window {w + 1}/{windows}: {loop}" + (log.Count > 0 ? $" [{log.Describe()}]" : ""));
            return (loop, log);
        }, ct));
    }
}
