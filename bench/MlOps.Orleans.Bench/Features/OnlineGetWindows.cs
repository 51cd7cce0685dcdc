using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Bench.Workloads;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Bench.Features;

/// <summary>
/// Measured windows of one online-get case: open loop at a fixed rate, random entities per request, each answer checked.
/// Redis's CPU is counted on its own (not as a neighbour), so <c>--max-other</c> judges only other processes.
/// <paramref name="driver"/> names the client that sends the calls (<see cref="OnlineGetDriver"/>).
/// </summary>
internal sealed class OnlineGetWindows(Common common, BenchTarget target, int? redisPid, OnlineGetDriver driver,
    OnlineGetRepository repo, int entities, CancellationToken ct)
{
    public async Task<JsonObject> MeasureAsync(int perRequest, double rate, TimeSpan duration, int reps, TimeSpan warmup)
    {
        Task CallAsync(long _)
        {
            Span<long> ids = stackalloc long[perRequest];
            for (var i = 0; i < ids.Length; i++) ids[i] = Random.Shared.Next(entities);
            return ReadAsync(repo.Request(ids), perRequest);
        }

        if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(rate, warmup, CallAsync, new ErrorLog());
        var results = new List<(OpenLoopResult Loop, CpuUse Cpu, double? Redis, ErrorLog Errors, int Discarded, string Load)>();
        for (var r = 0; r < reps; r++)
        {
            var load = LoadAverage();
            var ((loop, errors), cpu, redis, discarded) = await PlatformWindow.MeasureAsync(common, target.Measured, redisPid, async () =>
            {
                var log = new ErrorLog(abortAfter: int.MaxValue);
                return (await OpenLoop.RunAsync(rate, duration, CallAsync, log), log);
            }, ct);
            results.Add((loop, cpu, redis, errors, discarded, load));
            Console.Error.WriteLine($"#   {perRequest} entities at {rate}/s rep {r + 1}: {loop}; {cpu} redis={redis:0.00}; load {load}" +
                (errors.Count > 0 ? $" [{errors.Describe()}]" : ""));
        }

        var p50 = Stats.Median(results.Select(x => x.Loop.Latency.P50));
        var p90 = Stats.Median(results.Select(x => x.Loop.Latency.P90));
        var p99 = Stats.Median(results.Select(x => x.Loop.Latency.P99));
        var max = results.Max(x => x.Loop.Latency.Max);
        var achieved = Stats.Median(results.Select(x => x.Loop.AchievedRate));
        var server = Stats.Median(results.Select(x => x.Cpu.ServerCores ?? double.NaN));
        var failed = results.Sum(x => x.Loop.Failed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"online-get {target.Backend} driver {driver.Name} {perRequest} entities x {repo.References.Length} features at {rate}/s, {reps} x {duration.TotalSeconds:0} s: " +
            $"median p50 {p50:0.###} ms, p90 {p90:0.###} ms, p99 {p99:0.###} ms, max {max:0.###} ms; achieved {achieved:0.0}/s; server {server:0.00} cores; failed {failed}"));
        return new JsonObject
        {
            ["driver"] = driver.Name, ["entities_per_request"] = perRequest, ["rate_per_s"] = rate, ["p50_ms_median"] = Math.Round(p50, 3), ["p90_ms_median"] = Math.Round(p90, 3),
            ["p99_ms_median"] = Math.Round(p99, 3), ["max_ms"] = Math.Round(max, 3), ["achieved_per_s_median"] = Math.Round(achieved, 1),
            ["server_cores_median"] = double.IsFinite(server) ? Math.Round(server, 2) : null, ["failed"] = failed,
            ["runs"] = new JsonArray(results.Select(x =>
            {
                var json = x.Loop.ToJson();
                json["cpu"] = x.Cpu.ToJson();
                json["redis_cores"] = x.Redis;
                json["errors"] = x.Errors.ToJson();
                json["discarded_windows"] = x.Discarded;
                json["loadavg_before"] = x.Load;
                return (JsonNode)json;
            }).ToArray()),
        };
    }

    private async Task ReadAsync(Feat.GetOnlineFeaturesRequest request, int perRequest) => repo.Check(await driver.GetAsync(request), perRequest);

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
