using System.Diagnostics;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Several IngestMetrics streams at once, each to its own run, keeping a window of unacknowledged messages in flight;
/// a value counts once the server has acknowledged it as durable.
/// </summary>
internal sealed class StreamIngestCommand : IBenchCommand
{
    public string Name => "stream-ingest";
    public string Usage => "[--streams 8] [--window 8] [--duration 10] [--reps 3] [--warmup 5] [--batch 1000]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var settings = new IngestStream.Settings(options.Int("streams", 8), options.Int("window", 8), options.Int("batch", 1000));
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var reps = options.Int("reps", 3);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 5));
        options.RejectUnknown();

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        using var pool = new ChannelPool(target.Grpc, settings.Streams);
        var experiment = await Fixtures.ExperimentAsync(pool.Client(0), Name, ct);
        if (warmup > TimeSpan.Zero) await OnceAsync(pool, experiment, settings, warmup, ct);

        var results = new List<(LoopResult Loop, CpuUse Cpu, int Discarded)>();
        for (var r = 0; r < reps; r++)
        {
            var (loop, cpu, discarded) = await common.Window.MeasureAsync(target, () => OnceAsync(pool, experiment, settings, duration, ct), ct);
            results.Add((loop, cpu, discarded));
            Console.Error.WriteLine($"#   rep {r + 1}: {loop.ValuesPerSecond:N0} values/s, ack {loop.CallLatency}, {results[^1].Cpu}, errors {loop.Errors.Count}");
        }

        var median = Stats.Median(results.Select(x => x.Loop.ValuesPerSecond));
        var errors = results.Sum(x => x.Loop.Errors.Count);
        Console.WriteLine($"stream-ingest backend={target.Backend} streams={settings.Streams} window={settings.Window} batch={settings.Batch} " +
            $"duration={duration.TotalSeconds}s: median {median:N0} values/s over {reps} runs " +
            $"({string.Join(", ", results.Select(x => x.Loop.ValuesPerSecond.ToString("N0")))}); " +
            $"ack p50 {Stats.Median(results.Select(x => x.Loop.CallLatency.P50)):0.0} ms; {results[^1].Cpu}; errors {errors}" +
            (errors > 0 ? $" [{results.First(x => x.Loop.Errors.Count > 0).Loop.Errors.Describe()}]" : ""));
        common.Results.Append(Name, target.Backend,
            new JsonObject
            {
                ["streams"] = settings.Streams, ["window"] = settings.Window, ["batch"] = settings.Batch, ["duration_s"] = duration.TotalSeconds, ["reps"] = reps,
                ["max_other_cores"] = common.Window.MaxOtherCores,
            },
            new JsonObject
            {
                ["values_per_s_median"] = Math.Round(median),
                ["runs"] = new JsonArray(results.Select(x => (JsonNode)new JsonObject
                {
                    ["values_per_s"] = Math.Round(x.Loop.ValuesPerSecond), ["values"] = x.Loop.Values, ["ack_latency"] = x.Loop.CallLatency.ToJson(),
                    ["cpu"] = x.Cpu.ToJson(), ["errors"] = x.Loop.Errors.ToJson(), ["discarded_windows"] = x.Discarded,
                }).ToArray()),
            });
    }

    private static async Task<LoopResult> OnceAsync(ChannelPool pool, string experiment, IngestStream.Settings settings, TimeSpan duration,
        CancellationToken ct)
    {
        var runs = await Fixtures.RunsAsync(pool.Client(0), experiment, settings.Streams, ct);
        var errors = new ErrorLog();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var streams = await Task.WhenAll(runs.Select((run, i) =>
            Task.Run(() => IngestStream.RunAsync(pool.Client(i), run, settings, deadline, new Random(i), errors, ct), ct)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new LoopResult(streams.Sum(s => s.Values), elapsed, Stats.Summarize(streams.SelectMany(s => s.AckLatencies)), errors);
    }
}
