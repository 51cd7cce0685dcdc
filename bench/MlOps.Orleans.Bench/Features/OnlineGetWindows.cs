using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Bench.Workloads;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Bench.Features;

/// <summary>
/// The measured windows of one online-get case with one driver: open loop at a fixed rate, random entities per request,
/// each answer checked; a number of windows fixed before the run, judged by the window rules. Redis's CPU is counted on its
/// own (not as a neighbour), so only other processes count against a window.
/// <paramref name="driver"/> names the client that sends the calls (<see cref="OnlineGetDriver"/>).
/// </summary>
internal sealed class OnlineGetWindows(Common common, BenchTarget target, int? redisPid, OnlineGetDriver driver,
    OnlineGetRepository repo, int entities, CancellationToken ct)
{
    public async Task<LatencyRun> MeasureAsync(int perRequest, double rate, TimeSpan duration, int windows, TimeSpan warmup)
    {
        Task CallAsync(long _)
        {
            Span<long> ids = stackalloc long[perRequest];
            for (var i = 0; i < ids.Length; i++) ids[i] = Random.Shared.Next(entities);
            return ReadAsync(repo.Request(ids), perRequest);
        }

        if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(rate, warmup, CallAsync, new ErrorLog());
        var run = await common.Window.RunAsync(target.Measured, redisPid, windows, async w =>
        {
            var log = new ErrorLog(abortAfter: int.MaxValue);
            var loop = await OpenLoop.RunAsync(rate, duration, CallAsync, log);
            Console.Error.WriteLine($"#   {driver.Name} {perRequest} entities at {rate}/s window {w + 1}/{windows}: {loop}; load {LoadAverage()}" +
                (log.Count > 0 ? $" [{log.Describe()}]" : ""));
            return (loop, log);
        }, ct);
        return new LatencyRun(driver.Name, rate, run);
    }

    private async Task ReadAsync(Feat.GetOnlineFeaturesRequest request, int perRequest) => repo.Check(await driver.GetAsync(request), perRequest);

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
