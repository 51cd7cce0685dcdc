using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Floors;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Bench.Stages;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Single LogMetric calls at fixed arrival rates (open loop), spread round-robin over several runs, as many trainers each
/// logging one value at a time would send them. Per rate, just before the workload: the fsync floor in the server's data
/// directory and the gRPC floor at the same rate with both drivers; then the workload with each driver, a number of windows
/// fixed before the run, judged by the window rules, p50/p99 over all requests of the kept windows, checked against the
/// durable-write target (p50 ≤ gRPC floor p50 + 3 × fsync p50).
/// </summary>
internal sealed class LogMetricCommand : IBenchCommand
{
    private static readonly string[] DriverNames = ["dotnet", "raw"];
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    public string Name => "log-metric";

    public string Usage => "[--rates 500,2000] [--duration 20] [--windows 3] [--runs 16] [--warmup 3] [--drivers dotnet,raw] " +
        "[--floor-duration 10] [--floor-windows 1] [--fsync-dir DIR] [--stages]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var rates = options.Ints("rates", 500, 2000);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 20));
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 3));
        var runCount = options.Int("runs", 16);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 3));
        var drivers = options.String("drivers", "dotnet,raw").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", Math.Min(10, duration.TotalSeconds)));
        var floorWindows = options.Int("floor-windows", 1);
        var fsyncDir = options.String("fsync-dir");
        var stages = options.Flag("stages");
        options.RejectUnknown();
        if (drivers.Length == 0 || drivers.FirstOrDefault(d => !DriverNames.Contains(d)) is { } unknown)
            throw new UsageException($"--drivers wants a comma list of {string.Join(", ", DriverNames)}");

        await using var target = await BenchTarget.OpenAsync(
            common.Target with { ServerEnvironment = StageCapture.Environment(common.Target.ServerEnvironment, stages) }, ct);
        var stagesHttp = stages ? target.Http ?? throw new UsageException("--stages needs a server the bench starts (its HTTP port)") : null;
        // A started server's own data directory; for --target the driver's temp directory unless --fsync-dir names the right disk.
        var fsyncDirectory = fsyncDir ?? target.DataDir ?? Path.GetTempPath();
        using var pool = new ChannelPool(target.Grpc, 1);
        using var channel = Channels.Open(target.Grpc);
        var client = pool.Client(0);
        var experiment = await Fixtures.ExperimentAsync(client, Name, ct);
        var runs = await Fixtures.RunsAsync(client, experiment, runCount, ct);
        using var raw = RawGrpcClient<LogMetricResponse>.Open(target.Grpc, $"/{TrackingService.Descriptor.FullName}/LogMetric", LogMetricResponse.Parser, CallDeadline);
        long sent = 0;

        // Every point gets a fresh step, across rates, windows and drivers, so none is a duplicate the server could skip.
        LogMetricRequest Next()
        {
            var n = Interlocked.Increment(ref sent);
            return new LogMetricRequest
            {
                RunId = runs[n % runs.Length],
                Metric = new Metric { Key = "loss", Value = 1.0 / n, Step = n / runs.Length, Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
            };
        }
        Func<long, Task> CallOf(string driver) => driver == "raw"
            ? _ => raw.CallAsync(Next())
            : _ => client.LogMetricAsync(Next(), deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: ct).ResponseAsync;

        var figures = new JsonObject();
        foreach (var rate in rates)
        {
            var fsync = FsyncFloor.Measure(fsyncDirectory);
            Console.Error.WriteLine($"#   rate {rate}/s: {fsync}");
            var floors = await GrpcFloor.MeasureAsync(common, target, target.Measured, null, channel, rate, floorDuration, floorWindows, warmup, ct);
            var perDriver = new JsonObject();
            foreach (var driver in drivers)
            {
                var call = CallOf(driver);
                if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(rate, warmup, call, new ErrorLog());
                var (measured, breakdown) = await StageCapture.AroundAsync(stagesHttp, () => common.Window.RunAsync(target, windows, async w =>
                {
                    var log = new ErrorLog(abortAfter: int.MaxValue);
                    var loop = await OpenLoop.RunAsync(rate, duration, call, log);
                    Console.Error.WriteLine($"#   rate {rate}/s {driver} window {w + 1}/{windows}: {loop}" + (log.Count > 0 ? $" [{log.Describe()}]" : ""));
                    return (loop, log);
                }, ct), ct);
                var run = new LatencyRun(driver, rate, measured);
                var floor = floors[driver];
                var check = FloorTargets.DurableWrite(run.Latency.P50, floor.Latency.P50, fsync.Latency.P50);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"log-metric backend={target.Backend} driver={driver} rate={rate}/s runs={runCount} windows={windows}x{duration.TotalSeconds}s{common.RoundTag}: " +
                    $"{run}; achieved {run.AchievedMedian:0.0}/s; server {run.ServerCoresMedian:0.00} cores; " +
                    $"{run.DescribeAboveFloor(floor)}; fsync p50 {fsync.Latency.P50:0.###} p99 {fsync.Latency.P99:0.###} ms; target {check}"));
                var json = run.ToJson();
                json["above_floor"] = run.AboveFloor(floor);
                json["targets"] = new JsonArray(check.ToJson());
                if (breakdown is not null) json["stages"] = breakdown.ToJson();
                perDriver[driver] = json;
            }
            figures[$"rate_{rate}"] = new JsonObject
            {
                ["fsync_floor"] = fsync.ToJson(),
                ["grpc_floor"] = new JsonObject(floors.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson()))),
                ["drivers"] = perDriver,
            };
        }
        common.Results.Append(Name, target.Backend,
            new JsonObject
            {
                ["rates"] = new JsonArray(rates.Select(r => (JsonNode)r).ToArray()), ["duration_s"] = duration.TotalSeconds, ["windows"] = windows, ["runs"] = runCount,
                ["warmup_s"] = warmup.TotalSeconds, ["drivers"] = string.Join(',', drivers), ["floor_duration_s"] = floorDuration.TotalSeconds,
                ["floor_windows"] = floorWindows, ["fsync_dir"] = fsyncDirectory, ["stages"] = stages,
                ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
            },
            figures);
    }
}
