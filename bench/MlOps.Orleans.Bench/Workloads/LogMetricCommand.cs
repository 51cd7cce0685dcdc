using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Single LogMetric calls at fixed arrival rates (open loop), spread round-robin over several runs, as many trainers each
/// logging one value at a time would send them.
/// </summary>
internal sealed class LogMetricCommand : IBenchCommand
{
    public string Name => "log-metric";
    public string Usage => "[--rates 500,2000] [--duration 20] [--reps 3] [--runs 16] [--warmup 3]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var rates = options.Ints("rates", 500, 2000);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 20));
        var reps = options.Int("reps", 3);
        var runCount = options.Int("runs", 16);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 3));
        options.RejectUnknown();

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        using var pool = new ChannelPool(target.Grpc, 1);
        var client = pool.Client(0);
        var experiment = await Fixtures.ExperimentAsync(client, Name, ct);
        var runs = await Fixtures.RunsAsync(client, experiment, runCount, ct);
        long sent = 0;

        // Every point gets a fresh step, across rates and reps, so none is a duplicate the server could skip.
        Task CallAsync(long _)
        {
            var n = Interlocked.Increment(ref sent);
            var request = new LogMetricRequest
            {
                RunId = runs[n % runs.Length],
                Metric = new Metric { Key = "loss", Value = 1.0 / n, Step = n / runs.Length, Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
            };
            return client.LogMetricAsync(request, cancellationToken: ct).ResponseAsync;
        }

        if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(rates.Min(), warmup, CallAsync, new ErrorLog());
        var figures = new JsonObject();
        foreach (var rate in rates)
        {
            var results = new List<(OpenLoopResult Loop, CpuUse Cpu, ErrorLog Errors, int Discarded)>();
            for (var r = 0; r < reps; r++)
            {
                var ((loop, errors), cpu, discarded) = await common.Window.MeasureAsync(target, async () =>
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
            Console.WriteLine($"log-metric backend={target.Backend} rate={rate}/s runs={runCount} duration={duration.TotalSeconds}s reps={reps}: " +
                $"median p50 {p50:0.###} ms, p90 {p90:0.###} ms, p99 {p99:0.###} ms, max {max:0.###} ms; achieved {achieved:0.0}/s; " +
                $"{results[^1].Cpu}; failed {failed}");
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
            new JsonObject { ["rates"] = new JsonArray(rates.Select(r => (JsonNode)r).ToArray()), ["duration_s"] = duration.TotalSeconds, ["reps"] = reps, ["runs"] = runCount,
                ["max_other_cores"] = common.Window.MaxOtherCores },
            figures);
    }
}
