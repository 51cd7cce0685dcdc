using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>N clients, each with its own connection and its own run, logging LogBatch calls of 1000 metrics back to back.</summary>
internal sealed class BatchIngestCommand : IBenchCommand
{
    public string Name => "batch-ingest";
    public string Usage => "[--clients 8] [--duration 10] [--reps 3] [--warmup 5] [--batch 1000]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var clients = options.Int("clients", 8);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var reps = options.Int("reps", 3);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 5));
        var batch = options.Int("batch", 1000);
        options.RejectUnknown();

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        using var pool = new ChannelPool(target.Grpc, clients);
        var experiment = await Fixtures.ExperimentAsync(pool.Client(0), Name, ct);
        if (warmup > TimeSpan.Zero) await OnceAsync(pool, experiment, clients, warmup, batch, ct);

        var results = new List<(LoopResult Loop, CpuUse Cpu, int Discarded)>();
        for (var r = 0; r < reps; r++)
        {
            var (loop, cpu, discarded) = await common.Window.MeasureAsync(target, () => OnceAsync(pool, experiment, clients, duration, batch, ct), ct);
            results.Add((loop, cpu, discarded));
            Console.Error.WriteLine($"#   rep {r + 1}: {loop.ValuesPerSecond:N0} values/s, call {loop.CallLatency}, {results[^1].Cpu}, errors {loop.Errors.Count}");
        }

        var median = Stats.Median(results.Select(x => x.Loop.ValuesPerSecond));
        var errors = results.Sum(x => x.Loop.Errors.Count);
        Console.WriteLine($"batch-ingest backend={target.Backend} clients={clients} batch={batch} duration={duration.TotalSeconds}s: " +
            $"median {median:N0} values/s over {reps} runs ({string.Join(", ", results.Select(x => x.Loop.ValuesPerSecond.ToString("N0")))}); " +
            $"call p50 {Stats.Median(results.Select(x => x.Loop.CallLatency.P50)):0.0} ms; {results[^1].Cpu}; errors {errors}" +
            (errors > 0 ? $" [{results.First(x => x.Loop.Errors.Count > 0).Loop.Errors.Describe()}]" : ""));
        common.Results.Append(Name, target.Backend,
            new JsonObject { ["clients"] = clients, ["batch"] = batch, ["duration_s"] = duration.TotalSeconds, ["reps"] = reps,
                ["max_other_cores"] = common.Window.MaxOtherCores },
            new JsonObject
            {
                ["values_per_s_median"] = Math.Round(median),
                ["runs"] = new JsonArray(results.Select(x => (JsonNode)new JsonObject
                {
                    ["values_per_s"] = Math.Round(x.Loop.ValuesPerSecond), ["values"] = x.Loop.Values, ["call_latency"] = x.Loop.CallLatency.ToJson(),
                    ["cpu"] = x.Cpu.ToJson(), ["errors"] = x.Loop.Errors.ToJson(), ["discarded_windows"] = x.Discarded,
                }).ToArray()),
            });
    }

    /// <summary>One measured window on fresh runs, so every rep starts from empty runs.</summary>
    private static async Task<LoopResult> OnceAsync(ChannelPool pool, string experiment, int clients, TimeSpan duration, int batch, CancellationToken ct)
    {
        var runs = await Fixtures.RunsAsync(pool.Client(0), experiment, clients, ct);
        var steps = batch / Payloads.KeysPerBatch;
        var randoms = Enumerable.Range(0, clients).Select(i => new Random(i)).ToArray();
        return await ClosedLoop.RunAsync(clients, duration, async (worker, i, token) =>
        {
            var request = Payloads.Batch(runs[worker], i * steps, batch, randoms[worker]);
            await pool.Client(worker).LogBatchAsync(request, cancellationToken: token);
            return request.Metrics.Count;
        }, ct);
    }
}
