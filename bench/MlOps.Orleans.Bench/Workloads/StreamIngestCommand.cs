using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Floors;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Several IngestMetrics streams at once, each to its own run, keeping a window of unacknowledged messages in flight; a
/// value counts once the server has acknowledged it as durable. Under issue 15's rules: the fsync floor in the server's
/// data directory and the gRPC floor (no-op Ping at <c>--floor-rate</c>, both drivers) just before the workload, then
/// <c>--windows</c> windows fixed before the run: values/s per window with median and minimum, every message's ack latency
/// over all messages of the kept windows, the server's CPU per 1,000 values. Only Grpc.Net.Client drives the streams: the
/// raw driver speaks unary calls only (one request, one answer per HTTP/2 stream), and IngestMetrics is a bidirectional
/// stream whose acks arrive while the client still sends.
/// </summary>
internal sealed class StreamIngestCommand : IBenchCommand
{
    public string Name => "stream-ingest";

    public string Usage => "[--streams 8] [--window 8] [--duration 10] [--windows 3] [--warmup 5] [--batch 1000] " +
        "[--floor-rate 250] [--floor-duration 10] [--floor-windows 1] [--fsync-dir DIR]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var settings = new IngestStream.Settings(options.Int("streams", 8), options.Int("window", 8), options.Int("batch", 1000));
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 3));
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 5));
        // ~250 messages/s is what 8 streams reach at ~250k values/s: the floor is taken at the workload's own message rate.
        var floorRate = options.Double("floor-rate", 250);
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", Math.Min(10, duration.TotalSeconds)));
        var floorWindows = options.Int("floor-windows", 1);
        var fsyncDir = options.String("fsync-dir");
        options.RejectUnknown();
        if (settings.Batch < Payloads.KeysPerBatch) throw new UsageException($"--batch must be at least {Payloads.KeysPerBatch}");

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        var fsyncDirectory = fsyncDir ?? target.DataDir ?? Path.GetTempPath();
        using var pool = new ChannelPool(target.Grpc, settings.Streams);
        using var floorChannel = Channels.Open(target.Grpc);
        var experiment = await Fixtures.ExperimentAsync(pool.Client(0), Name, ct);
        var runSets = await RunSets.CreateAsync(pool.Client(0), experiment, settings.Streams, windows, ct);

        var fsync = FsyncFloor.Measure(fsyncDirectory);
        Console.Error.WriteLine($"#   {fsync}");
        var floors = await GrpcFloor.MeasureAsync(common, target, target.Measured, null, floorChannel, floorRate, floorDuration, floorWindows,
            TimeSpan.FromSeconds(Math.Min(3, warmup.TotalSeconds)), ct);

        if (warmup > TimeSpan.Zero) await OnceAsync(pool, runSets.Next(), settings, warmup, ct);
        var run = new ThroughputRun("dotnet", await common.Window.RunAsync(target, windows, async w =>
        {
            var window = await OnceAsync(pool, runSets.Next(), settings, duration, ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"#   window {w + 1}/{windows}: {window.ValuesPerSecond:N0} values/s, ack {Stats.Summarize(window.CallLatencies)}, errors {window.Errors.Count}") +
                (window.Errors.Count > 0 ? $" [{window.Errors.Describe()}]" : ""));
            return window;
        }, ct), "ack");
        var floor = floors["dotnet"];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream-ingest backend={target.Backend} driver=dotnet streams={settings.Streams} window={settings.Window} batch={settings.Batch} " +
            $"windows={windows}x{duration.TotalSeconds}s{common.RoundTag}: {run}; {run.DescribeAboveFloor(floor)}; {fsync}"));
        var json = run.ToJson();
        json["above_floor"] = run.AboveFloor(floor);
        json["latency_is"] = "each message from its send to the ack that covers it (durable)";
        common.Results.Append(Name, target.Backend,
            new JsonObject
            {
                ["streams"] = settings.Streams, ["window"] = settings.Window, ["batch"] = settings.Batch, ["duration_s"] = duration.TotalSeconds,
                ["windows"] = windows, ["warmup_s"] = warmup.TotalSeconds, ["drivers"] = "dotnet",
                ["raw_driver"] = "not applicable: RawGrpcConnection sends unary calls only; IngestMetrics is a bidirectional stream",
                ["floor_rate_per_s"] = floorRate, ["floor_duration_s"] = floorDuration.TotalSeconds, ["floor_windows"] = floorWindows, ["fsync_dir"] = fsyncDirectory,
                ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
            },
            new JsonObject
            {
                ["fsync_floor"] = fsync.ToJson(),
                ["grpc_floor"] = new JsonObject(floors.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson()))),
                ["drivers"] = new JsonObject { ["dotnet"] = json },
            });
    }

    /// <summary>One window: every stream on its own fresh run from <paramref name="runs"/>.</summary>
    private static async Task<IngestWindow> OnceAsync(ChannelPool pool, string[] runs, IngestStream.Settings settings, TimeSpan duration,
        CancellationToken ct)
    {
        var errors = new ErrorLog();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var streams = await Task.WhenAll(runs.Select((run, i) =>
            Task.Run(() => IngestStream.RunAsync(pool.Client(i), run, settings, deadline, new Random(i), errors, ct), ct)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new IngestWindow(streams.Sum(s => s.Values), elapsed, streams.SelectMany(s => s.AckLatencies).ToList(), errors);
    }
}
