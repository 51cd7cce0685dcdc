using System.Diagnostics;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>One long metric (50,000 steps of one key on one run): a chart-sized downsampled read, and a full paged read.</summary>
internal sealed class HistoryCommand : IBenchCommand
{
    private const string Key = "loss";
    private const int Warmups = 3;

    public string Name => "history";
    public string Usage => "[--points 50000] [--max-points 1000] [--reps 30] [--page-size 0 (server default)] [--full-reps 5]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var points = options.Int("points", 50_000);
        var maxPoints = options.Int("max-points", 1000);
        var reps = options.Int("reps", 30);
        var pageSize = options.Int("page-size", 0);
        var fullReps = options.Int("full-reps", 5);
        options.RejectUnknown();

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        using var pool = new ChannelPool(target.Grpc, 1);
        var client = pool.Client(0);
        var experiment = await Fixtures.ExperimentAsync(client, Name, ct);
        var run = (await Fixtures.RunsAsync(client, experiment, 1, ct))[0];

        await common.Quiet.WaitAsync(target.Measured, ct);
        var logTime = await LogAsync(client, run, points, ct);
        Console.WriteLine($"history backend={target.Backend}: logged {points:N0} points of '{Key}' to one run in {logTime.TotalSeconds:0.00} s " +
            $"({points / logTime.TotalSeconds:N0} values/s, LogBatch of 1000, one call at a time)");

        await common.Quiet.WaitAsync(target.Measured, ct);
        var downsample = new GetMetricHistoryRequest { RunId = run, MetricKey = Key, MaxPoints = maxPoints };
        string? problem = null;
        var returned = 0;
        var latencies = new List<double>();
        for (var i = 0; i < Warmups + reps; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await client.GetMetricHistoryAsync(downsample, cancellationToken: ct);
            if (i >= Warmups) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            returned = response.Metrics.Count;
            problem ??= CheckDownsample(response, points, maxPoints);
        }
        var downsampled = Stats.Summarize(latencies);
        Console.WriteLine($"history backend={target.Backend} downsample {points:N0} -> max {maxPoints}: {downsampled}, {returned} points returned" +
            (problem is null ? "" : $"; WRONG ANSWER: {problem}"));

        await common.Quiet.WaitAsync(target.Measured, ct);
        var full = new List<double>();
        string? fullProblem = null;
        var pages = 0;
        for (var i = 0; i < fullReps + 1; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var (read, pageCount, issue) = await ReadAllAsync(client, run, pageSize, ct);
            if (i > 0) full.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            pages = pageCount;
            fullProblem ??= issue ?? (read == points ? null : $"read {read} points, logged {points}");
        }
        var fullSummary = Stats.Summarize(full);
        Console.WriteLine($"history backend={target.Backend} full paged read of {points:N0} points ({pages} pages): {fullSummary}" +
            (fullProblem is null ? "" : $"; WRONG ANSWER: {fullProblem}"));

        common.Results.Append(Name, target.Backend,
            new JsonObject { ["points"] = points, ["max_points"] = maxPoints, ["reps"] = reps, ["page_size"] = pageSize, ["full_reps"] = fullReps },
            new JsonObject
            {
                ["log_seconds"] = Math.Round(logTime.TotalSeconds, 3),
                ["downsample"] = new JsonObject { ["latency"] = downsampled.ToJson(), ["returned"] = returned, ["problem"] = problem },
                ["full_read"] = new JsonObject { ["latency"] = fullSummary.ToJson(), ["pages"] = pages, ["problem"] = fullProblem },
            });
    }

    /// <summary>A falling loss with noise and a spike every 5,000 steps, which a good downsample keeps.</summary>
    private static async Task<TimeSpan> LogAsync(TrackingService.TrackingServiceClient client, string run, int points, CancellationToken ct)
    {
        var random = new Random(42);
        var stopwatch = Stopwatch.StartNew();
        for (var first = 0; first < points; first += 1000)
        {
            var request = new LogBatchRequest { RunId = run };
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var step = first; step < Math.Min(points, first + 1000); step++)
            {
                var value = step % 5000 == 4999 ? 10.0 : 1.0 / (1 + step / 1000.0) + random.NextDouble() * 0.01;
                request.Metrics.Add(new Metric { Key = Key, Value = value, Step = step, Timestamp = now });
            }
            await client.LogBatchAsync(request, cancellationToken: ct);
        }
        return stopwatch.Elapsed;
    }

    private static string? CheckDownsample(GetMetricHistoryResponse response, int points, int maxPoints)
    {
        var m = response.Metrics;
        if (m.Count == 0 || m.Count > maxPoints) return $"{m.Count} points for max_points {maxPoints}";
        if (m[0].Step != 0 || m[^1].Step != points - 1) return $"first/last steps {m[0].Step}/{m[^1].Step}, expected 0/{points - 1}";
        var spikes = m.Count(p => p.Value >= 10.0);
        return spikes == points / 5000 ? null : $"{spikes} of {points / 5000} spikes kept";
    }

    private static async Task<(int Points, int Pages, string? Problem)> ReadAllAsync(TrackingService.TrackingServiceClient client, string run,
        int pageSize, CancellationToken ct)
    {
        var request = new GetMetricHistoryRequest { RunId = run, MetricKey = Key, PageSize = pageSize };
        long expectedStep = 0;
        var read = 0;
        var pages = 0;
        string? problem = null;
        while (true)
        {
            var page = await client.GetMetricHistoryAsync(request, cancellationToken: ct);
            pages++;
            foreach (var point in page.Metrics)
            {
                if (point.Step != expectedStep) problem ??= $"step {point.Step} where {expectedStep} was expected (a skipped or repeated point)";
                expectedStep = point.Step + 1;
            }
            read += page.Metrics.Count;
            if (string.IsNullOrEmpty(page.NextPageToken)) return (read, pages, problem);
            request.PageToken = page.NextPageToken;
        }
    }
}
