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
/// send time, so a server falling behind shows as queueing; windows fixed before the run, judged by the window rules, p50/p99
/// over all requests of the kept windows. The MLflow twin of <c>log-metric</c>.
/// </summary>
internal sealed class MlflowLogMetricCommand : IBenchCommand
{
    public string Name => "mlflow-log-metric";
    public string Usage => "[--rates 500,1000] [--duration 20] [--windows 3] [--runs 16] [--warmup 3] [--http URL (with --target)]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var rates = options.Ints("rates", 500, 1000);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 20));
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 3));
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
                // Windows fixed before the run, judged by the window rules; p50/p99 over all requests of the kept windows.
                var run = new LatencyRun("http", rate, await common.Window.RunAsync(target.Measured, null, windows, async w =>
                {
                    var log = new ErrorLog(abortAfter: int.MaxValue);
                    var loop = await OpenLoop.RunAsync(rate, duration, CallAsync, log);
                    Console.Error.WriteLine($"#   rate {rate}/s window {w + 1}/{windows}: {loop}" + (log.Count > 0 ? $" [{log.Describe()}]" : ""));
                    return (loop, log);
                }, ct));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"mlflow-log-metric backend={target.Backend} rate={rate}/s runs={runCount} windows={windows}x{duration.TotalSeconds}s (HTTP/1.1 keep-alive){common.RoundTag}: " +
                    $"{run}; achieved {run.AchievedMedian:0.0}/s; server {run.ServerCoresMedian:0.00} cores"));
                figures[$"rate_{rate}"] = run.ToJson();
            }
            common.Results.Append(Name, target.Backend,
                new JsonObject
                {
                    ["rates"] = new JsonArray(rates.Select(r => (JsonNode)r).ToArray()), ["duration_s"] = duration.TotalSeconds, ["windows"] = windows, ["warmup_s"] = warmup.TotalSeconds, ["runs"] = runCount,
                    ["protocol"] = "HTTP/1.1 keep-alive, one connection per run", ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
                },
                figures);
        }
        finally
        {
            foreach (var t in trainers) t.Dispose();
        }
    }
}
