using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Floors;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Metric history reads of one long metric (50,000 steps of one key on one run), on the rule of issue 15: per case (a
/// chart-sized downsampled read, and a full paged read), the gRPC floor at the case's rate with both drivers just before,
/// then each driver open loop at that rate in windows fixed before the run, p50/p99 over all requests of the kept windows.
/// Every answer is checked (ends, spikes kept, no step skipped or repeated); one wrong answer fails the run.
/// </summary>
internal sealed class HistoryCommand : IBenchCommand
{
    private const string Key = "loss";

    /// <summary>Issue 2's target for the downsampled read, kept beside the floor: absolute p99s are reported, not targeted.</summary>
    private const double DownsampleTargetP50Ms = 50;

    private static readonly string[] CaseNames = ["downsample", "full"];

    public string Name => "history";

    public string Usage =>
        "[--points 50000] [--max-points 1000] [--page-size 0 (server default)] [--cases downsample,full] [--rate 5] [--full-rate 5] " +
        "[--duration 10] [--windows 3] [--warmup 3] [--drivers dotnet,raw] [--floor-duration 10] [--floor-windows 1]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var points = options.Int("points", 50_000);
        var maxPoints = options.Int("max-points", 1000);
        var pageSize = options.Int("page-size", 0);
        var cases = options.String("cases", "downsample,full").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var rates = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["downsample"] = options.Double("rate", 5), ["full"] = options.Double("full-rate", 5),
        };
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 3));
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 3));
        var drivers = options.String("drivers", "dotnet,raw").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", Math.Min(10, duration.TotalSeconds)));
        var floorWindows = options.Int("floor-windows", 1);
        options.RejectUnknown();
        var driverNames = TrackingReadDriver<GetMetricHistoryRequest, GetMetricHistoryResponse>.Names;
        if (drivers.Length == 0 || drivers.FirstOrDefault(d => !driverNames.Contains(d)) is { } unknown)
            throw new UsageException($"--drivers wants a comma list of {string.Join(", ", driverNames)}");
        if (cases.Length == 0 || cases.FirstOrDefault(c => !CaseNames.Contains(c)) is { } badCase)
            throw new UsageException($"--cases wants a comma list of {string.Join(", ", CaseNames)}");
        if (points < 1 || maxPoints < 1 || rates.Values.Any(r => r <= 0)) throw new UsageException("--points, --max-points and the rates must be positive");

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        using var channel = Channels.Open(target.Grpc);
        var client = new TrackingService.TrackingServiceClient(channel);
        var experiment = await Fixtures.ExperimentAsync(client, Name, ct);
        var run = (await Fixtures.RunsAsync(client, experiment, 1, ct))[0];

        await common.Quiet.WaitAsync(target.Measured, ct);
        var logTime = await LogAsync(client, run, points, ct);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# history backend={target.Backend}: logged {points:N0} points of '{Key}' to one run in {logTime.TotalSeconds:0.00} s " +
            $"({points / logTime.TotalSeconds:N0} values/s, LogBatch of 1000, one call at a time)"));

        var figures = new JsonObject { ["log_seconds"] = Math.Round(logTime.TotalSeconds, 3) };
        var problems = new List<string>();
        var open = drivers.Select(name => TrackingReadDriver<GetMetricHistoryRequest, GetMetricHistoryResponse>.Open(name, channel, target.Grpc,
            "GetMetricHistory", GetMetricHistoryResponse.Parser,
            (c, request, deadline) => c.GetMetricHistoryAsync(request, deadline: deadline, cancellationToken: ct).ResponseAsync)).ToList();
        try
        {
            foreach (var name in cases)
            {
                var rate = rates[name];
                var floors = await GrpcFloor.MeasureAsync(common, target, target.Measured, null, channel, rate, floorDuration, floorWindows, warmup, ct);
                var caseJson = new JsonObject
                {
                    ["rate_per_s"] = rate,
                    ["grpc_floor"] = new JsonObject(floors.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson()))),
                };
                foreach (var driver in open)
                {
                    // The first wrong answer of this case and driver; the call itself never throws for it, so the latency stays the read's.
                    string? problem = null;
                    var pages = 0;
                    var returned = 0;
                    Func<long, Task> call = name == "downsample"
                        ? async _ =>
                        {
                            var response = await driver.CallAsync(new GetMetricHistoryRequest { RunId = run, MetricKey = Key, MaxPoints = maxPoints });
                            returned = response.Metrics.Count;
                            if (CheckDownsample(response, points, maxPoints) is { } issue) Interlocked.CompareExchange(ref problem, issue, null);
                        }
                        : async _ =>
                        {
                            var (read, pageCount, issue) = await ReadAllAsync(driver, run, pageSize);
                            pages = pageCount;
                            returned = read;
                            issue ??= read == points ? null : $"read {read} points, logged {points}";
                            if (issue is not null) Interlocked.CompareExchange(ref problem, issue, null);
                        };
                    var latency = await OpenLoopWindows.MeasureAsync(common, target, $"history {name}", driver.Name, rate, duration, windows, warmup, call, ct);
                    var floor = floors[driver.Name];
                    TargetCheck[] checks = name == "downsample" ? [new($"p50 <= {DownsampleTargetP50Ms} ms (issue 2)", latency.Latency.P50, DownsampleTargetP50Ms)] : [];
                    var what = name == "downsample"
                        ? string.Create(CultureInfo.InvariantCulture, $"downsample {points:N0} -> max {maxPoints}, {returned} points returned")
                        : string.Create(CultureInfo.InvariantCulture, $"full paged read of {points:N0} points ({pages} pages{(pageSize > 0 ? $" of {pageSize}" : "")})");
                    var tail = (checks.Length > 0 ? $"; target {string.Join("; ", checks.Select(c => c.ToString()))}" : "") +
                        (problem is null ? "" : $"; WRONG ANSWER: {problem}");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"history backend={target.Backend} case={name} driver={driver.Name} {what} at {rate}/s, {windows} x {duration.TotalSeconds:0} s{common.RoundTag}: " +
                        $"{latency}; achieved {latency.AchievedMedian:0.0}/s; server {latency.ServerCoresMedian:0.00} cores; {latency.DescribeAboveFloor(floor)}{tail}"));
                    var json = latency.ToJson();
                    json["returned"] = returned;
                    json["pages"] = name == "full" ? pages : null;
                    json["problem"] = problem;
                    json["above_floor"] = latency.AboveFloor(floor);
                    json["targets"] = new JsonArray(checks.Select(c => (JsonNode)c.ToJson()).ToArray());
                    caseJson[driver.Name] = json;
                    if (problem is not null) problems.Add($"{name} {driver.Name}: {problem}");
                }
                figures[name] = caseJson;
            }
        }
        finally
        {
            foreach (var driver in open) driver.Dispose();
        }
        common.Results.Append(Name, target.Backend,
            new JsonObject
            {
                ["points"] = points, ["max_points"] = maxPoints, ["page_size"] = pageSize, ["cases"] = string.Join(',', cases),
                ["rate_per_s"] = rates["downsample"], ["full_rate_per_s"] = rates["full"], ["duration_s"] = duration.TotalSeconds, ["windows"] = windows,
                ["warmup_s"] = warmup.TotalSeconds, ["drivers"] = string.Join(',', drivers), ["floor_duration_s"] = floorDuration.TotalSeconds,
                ["floor_windows"] = floorWindows, ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
            },
            figures);
        // Written first so the failing run's figures are on file; then the run fails.
        if (problems.Count > 0) throw new InvalidOperationException($"history answers were wrong: {string.Join("; ", problems)}");
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

    /// <summary>Every page in turn, on one driver: the read a client paging through the whole history makes.</summary>
    private static async Task<(int Points, int Pages, string? Problem)> ReadAllAsync(
        TrackingReadDriver<GetMetricHistoryRequest, GetMetricHistoryResponse> driver, string run, int pageSize)
    {
        var request = new GetMetricHistoryRequest { RunId = run, MetricKey = Key, PageSize = pageSize };
        long expectedStep = 0;
        var read = 0;
        var pages = 0;
        string? problem = null;
        while (true)
        {
            var page = await driver.CallAsync(request);
            pages++;
            foreach (var point in page.Metrics)
            {
                if (point.Step != expectedStep) problem ??= $"step {point.Step} where {expectedStep} was expected (a skipped or repeated point)";
                expectedStep = point.Step + 1;
            }
            read += page.Metrics.Count;
            if (string.IsNullOrEmpty(page.NextPageToken)) return (read, pages, problem);
            // A fresh request per page: the same request object may be in flight on another open-loop call.
            request = new GetMetricHistoryRequest { RunId = run, MetricKey = Key, PageSize = pageSize, PageToken = page.NextPageToken };
        }
    }
}
