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
/// N clients, each with its own connection and its own run, sending LogBatch calls of 1,000 metrics back to back (closed
/// loop). Under issue 15's rules: just before the workload the fsync floor in the server's data directory (every batch is
/// a durable commit) and the gRPC floor (no-op Ping, open loop at <c>--floor-rate</c>) with both drivers; then each driver's
/// run of <c>--windows</c> windows fixed before it, judged on others' CPU and steal: values/s per window, their median and
/// minimum, each call's latency over all calls of the kept windows, and the server's CPU per 1,000 values.
/// </summary>
internal sealed class BatchIngestCommand : IBenchCommand
{
    private static readonly string[] DriverNames = ["dotnet", "raw"];
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    public string Name => "batch-ingest";

    public string Usage => "[--clients 8] [--duration 10] [--windows 3] [--warmup 5] [--batch 1000] [--drivers dotnet,raw] " +
        "[--floor-rate 200] [--floor-duration 10] [--floor-windows 1] [--fsync-dir DIR]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var clients = options.Int("clients", 8);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 3));
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 5));
        var batch = options.Int("batch", 1000);
        var drivers = options.String("drivers", "dotnet,raw").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // ~200 calls/s is what 8 clients reach at ~200k values/s: the floor is taken at the workload's own call rate.
        var floorRate = options.Double("floor-rate", 200);
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", Math.Min(10, duration.TotalSeconds)));
        var floorWindows = options.Int("floor-windows", 1);
        var fsyncDir = options.String("fsync-dir");
        options.RejectUnknown();
        if (drivers.Length == 0 || drivers.FirstOrDefault(d => !DriverNames.Contains(d)) is { } unknown)
            throw new UsageException($"--drivers wants a comma list of {string.Join(", ", DriverNames)}");
        if (batch < Payloads.KeysPerBatch) throw new UsageException($"--batch must be at least {Payloads.KeysPerBatch}");

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        var fsyncDirectory = fsyncDir ?? target.DataDir ?? Path.GetTempPath();
        using var pool = new ChannelPool(target.Grpc, clients);
        using var floorChannel = Channels.Open(target.Grpc);
        var experiment = await Fixtures.ExperimentAsync(pool.Client(0), Name, ct);
        var raws = drivers.Contains("raw")
            ? Enumerable.Range(0, clients).Select(_ => RawGrpcClient<LogBatchResponse>.Open(target.Grpc,
                $"/{TrackingService.Descriptor.FullName}/LogBatch", LogBatchResponse.Parser, CallDeadline)).ToArray()
            : [];
        try
        {
            var fsync = FsyncFloor.Measure(fsyncDirectory);
            Console.Error.WriteLine($"#   {fsync}");
            var floors = await GrpcFloor.MeasureAsync(common, target, target.Measured, null, floorChannel, floorRate, floorDuration, floorWindows,
                TimeSpan.FromSeconds(Math.Min(3, warmup.TotalSeconds)), ct);

            var perDriver = new JsonObject();
            foreach (var driver in drivers)
            {
                Func<int, LogBatchRequest, Task> send = driver == "raw"
                    ? (worker, request) => raws[worker].CallAsync(request)
                    : (worker, request) => pool.Client(worker).LogBatchAsync(request, deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: ct).ResponseAsync;
                var runSets = await RunSets.CreateAsync(pool.Client(0), experiment, clients, windows, ct);
                if (warmup > TimeSpan.Zero) await OnceAsync(runSets.Next(), clients, warmup, batch, send, ct);
                var run = new ThroughputRun(driver, await common.Window.RunAsync(target, windows, async w =>
                {
                    var window = await OnceAsync(runSets.Next(), clients, duration, batch, send, ct);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"#   {driver} window {w + 1}/{windows}: {window.ValuesPerSecond:N0} values/s, call {Stats.Summarize(window.CallLatencies)}, errors {window.Errors.Count}") +
                        (window.Errors.Count > 0 ? $" [{window.Errors.Describe()}]" : ""));
                    return window;
                }, ct));
                var floor = floors[driver];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch-ingest backend={target.Backend} driver={driver} clients={clients} batch={batch} windows={windows}x{duration.TotalSeconds}s{common.RoundTag}: " +
                    $"{run}; {run.DescribeAboveFloor(floor)}; {fsync}"));
                var json = run.ToJson();
                json["above_floor"] = run.AboveFloor(floor);
                // A raw connection Kestrel closed (idle GOAWAY) is replaced; how often is recorded, not hidden.
                if (driver == "raw") json["raw_reconnects"] = raws.Sum(r => r.Reconnects);
                perDriver[driver] = json;
            }
            common.Results.Append(Name, target.Backend,
                new JsonObject
                {
                    ["clients"] = clients, ["batch"] = batch, ["duration_s"] = duration.TotalSeconds, ["windows"] = windows, ["warmup_s"] = warmup.TotalSeconds,
                    ["drivers"] = string.Join(',', drivers), ["floor_rate_per_s"] = floorRate, ["floor_duration_s"] = floorDuration.TotalSeconds,
                    ["floor_windows"] = floorWindows, ["fsync_dir"] = fsyncDirectory,
                    ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
                },
                new JsonObject
                {
                    ["fsync_floor"] = fsync.ToJson(),
                    ["grpc_floor"] = new JsonObject(floors.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson()))),
                    ["drivers"] = perDriver,
                });
        }
        finally
        {
            foreach (var raw in raws) raw.Dispose();
        }
    }

    /// <summary>One window on fresh <paramref name="runs"/> (one per client), each call timed on its own.</summary>
    private static async Task<IngestWindow> OnceAsync(string[] runs, int clients, TimeSpan duration, int batch,
        Func<int, LogBatchRequest, Task> send, CancellationToken ct)
    {
        var steps = batch / Payloads.KeysPerBatch;
        var randoms = Enumerable.Range(0, clients).Select(i => new Random(i)).ToArray();
        // One list per worker: each worker appends only to its own, so no lock sits on the measured path.
        var latencies = Enumerable.Range(0, clients).Select(_ => new List<double>()).ToArray();
        var loop = await ClosedLoop.RunAsync(clients, duration, async (worker, i, token) =>
        {
            var request = Payloads.Batch(runs[worker], i * steps, batch, randoms[worker]);
            var sent = Stopwatch.GetTimestamp();
            await send(worker, request);
            latencies[worker].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            return request.Metrics.Count;
        }, ct);
        return new IngestWindow(loop.Values, loop.Elapsed, latencies.SelectMany(l => l).ToList(), loop.Errors);
    }
}
