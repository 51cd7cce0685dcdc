using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// MLflow REST <c>runs/log-metric</c>, one value per call, at fixed arrival rates (open loop), round-robin over
/// <c>--runs</c> runs, each run's trainer on its own HTTP/1.1 keep-alive connection. Latency counts from the scheduled
/// send time, so a server falling behind shows as queueing. The MLflow twin of <c>log-metric</c>.
/// </summary>
internal sealed class MlflowLogMetricCommand : IBenchCommand
{
    public string Name => "mlflow-log-metric";
    public string Usage => "[--rates 500,1000] [--duration 20] [--reps 3] [--runs 16] [--warmup 3] [--http URL (with --target)]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var rates = options.Ints("rates", 500, 1000);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 20));
        var reps = options.Int("reps", 3);
        var runCount = options.Int("runs", 16);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 3));
        var http = options.String("http");
        options.RejectUnknown();

        await using var target = await PlatformTarget.OpenAsync(common.Target, http, null, ct);
        var endpoint = target.RequireHttp();
        var trainers = Enumerable.Range(0, runCount).Select(_ => MlflowHttp.Open(endpoint)).ToArray();
        try
        {
            var experiment = await MlflowHttp.ExperimentAsync(trainers[0], Name, ct);
            var runs = await MlflowHttp.RunsAsync(trainers[0], experiment, runCount, ct);
            long sent = 0;

            // Every point gets a fresh step, across rates and reps, so none is a duplicate the server could skip.
            Task CallAsync(long _)
            {
                var n = Interlocked.Increment(ref sent);
                var trainer = (int)(n % runs.Length);
                var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"run_id\":\"{runs[trainer]}\",\"key\":\"loss\",\"value\":{1.0 / n:R},\"timestamp\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},\"step\":{n / runs.Length}}}"));
                return MlflowHttp.PostAsync(trainers[trainer], "runs/log-metric", body, ct);
            }

            // Connections are opened by the warm-up, not inside a measured window.
            if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(Math.Max(rates.Min(), 2 * runCount), warmup, CallAsync, new ErrorLog());
            var figures = new JsonObject();
            foreach (var rate in rates)
            {
                var results = new List<(OpenLoopResult Loop, CpuUse Cpu, ErrorLog Errors, int Discarded)>();
                for (var r = 0; r < reps; r++)
                {
                    var ((loop, errors), cpu, _, discarded) = await PlatformWindow.MeasureAsync(common, target.Measured, null, async () =>
                    {
                        var log = new ErrorLog(abortAfter: int.MaxValue);
                        return (await OpenLoop.RunAsync(rate, duration, CallAsync, log), log);
                    }, ct);
                    results.Add((loop, cpu, errors, discarded));
                    Console.Error.WriteLine($"#   rate {rate}/s rep {r + 1}: {loop}; {results[^1].Cpu}" + (errors.Count > 0 ? $" [{errors.Describe()}]" : ""));
                }
                var p50 = Stats.Median(results.Select(x => x.Loop.Latency.P50));
                var p90 = Stats.Median(results.Select(x => x.Loop.Latency.P90));
                var p99 = Stats.Median(results.Select(x => x.Loop.Latency.P99));
                var max = results.Max(x => x.Loop.Latency.Max);
                var achieved = Stats.Median(results.Select(x => x.Loop.AchievedRate));
                var failed = results.Sum(x => x.Loop.Failed);
                Console.WriteLine($"mlflow-log-metric backend={target.Backend} rate={rate}/s runs={runCount} duration={duration.TotalSeconds}s reps={reps} (HTTP/1.1 keep-alive): " +
                    $"median p50 {p50:0.###} ms, p90 {p90:0.###} ms, p99 {p99:0.###} ms, max {max:0.###} ms; achieved {achieved:0.0}/s; " +
                    $"{results[^1].Cpu}; failed {failed}" + (failed > 0 ? $" [{results.First(x => x.Errors.Count > 0).Errors.Describe()}]" : ""));
                figures[$"rate_{rate}"] = new JsonObject
                {
                    ["p50_ms_median"] = Math.Round(p50, 3), ["p90_ms_median"] = Math.Round(p90, 3), ["p99_ms_median"] = Math.Round(p99, 3),
                    ["max_ms"] = Math.Round(max, 3), ["achieved_per_s_median"] = Math.Round(achieved, 1), ["failed"] = failed,
                    ["runs"] = new JsonArray(results.Select(x =>
                    {
                        var json = x.Loop.ToJson();
                        json["cpu"] = x.Cpu.ToJson();
                        json["errors"] = x.Errors.ToJson();
                        json["discarded_windows"] = x.Discarded;
                        return (JsonNode)json;
                    }).ToArray()),
                };
            }
            common.Results.Append(Name, target.Backend,
                new JsonObject
                {
                    ["rates"] = new JsonArray(rates.Select(r => (JsonNode)r).ToArray()), ["duration_s"] = duration.TotalSeconds, ["reps"] = reps, ["runs"] = runCount,
                    ["protocol"] = "HTTP/1.1 keep-alive, one connection per run", ["max_other_cores"] = common.Window.MaxOtherCores,
                },
                figures);
        }
        finally
        {
            foreach (var t in trainers) t.Dispose();
        }
    }
}
