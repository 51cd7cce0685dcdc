using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// MLflow REST <c>runs/log-batch</c> of 1000 metrics: N clients, each an HTTP/1.1 keep-alive connection of its own and a
/// run of its own, posting back to back (closed loop); values/s acknowledged. The MLflow twin of <c>batch-ingest</c>.
/// </summary>
internal sealed class MlflowBatchCommand : IBenchCommand
{
    public string Name => "mlflow-batch";
    public string Usage => "[--clients 8] [--duration 10] [--reps 3] [--warmup 5] [--batch 1000] [--http URL (with --target)]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var clients = options.Int("clients", 8);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var reps = options.Int("reps", 3);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 5));
        var batch = options.Int("batch", 1000);
        var http = options.String("http");
        options.RejectUnknown();
        if (batch % Payloads.KeysPerBatch != 0 || batch > 1000) throw new UsageException($"--batch must be a multiple of {Payloads.KeysPerBatch}, at most 1000 (MLflow's limit)");

        await using var target = await PlatformTarget.OpenAsync(common.Target, http, null, ct);
        var endpoint = target.RequireHttp();
        var connections = Enumerable.Range(0, clients).Select(_ => MlflowHttp.Open(endpoint)).ToArray();
        var bodies = Enumerable.Range(0, clients).Select(_ => new MlflowBatchBody()).ToArray();
        try
        {
            var experiment = await MlflowHttp.ExperimentAsync(connections[0], Name, ct);
            if (warmup > TimeSpan.Zero) await OnceAsync(connections, bodies, experiment, warmup, batch, ct);

            var results = new List<(LoopResult Loop, CpuUse Cpu, int Discarded)>();
            for (var r = 0; r < reps; r++)
            {
                var (loop, cpu, _, discarded) = await PlatformWindow.MeasureAsync(common, target.Measured, null,
                    () => OnceAsync(connections, bodies, experiment, duration, batch, ct), ct);
                results.Add((loop, cpu, discarded));
                Console.Error.WriteLine($"#   rep {r + 1}: {loop.ValuesPerSecond:N0} values/s, call {loop.CallLatency}, {results[^1].Cpu}, errors {loop.Errors.Count}");
            }

            var median = Stats.Median(results.Select(x => x.Loop.ValuesPerSecond));
            var errors = results.Sum(x => x.Loop.Errors.Count);
            Console.WriteLine($"mlflow-batch backend={target.Backend} clients={clients} batch={batch} duration={duration.TotalSeconds}s (HTTP/1.1 keep-alive, JSON): " +
                $"median {median:N0} values/s over {reps} runs ({string.Join(", ", results.Select(x => x.Loop.ValuesPerSecond.ToString("N0")))}); " +
                $"call p50 {Stats.Median(results.Select(x => x.Loop.CallLatency.P50)):0.0} ms; {results[^1].Cpu}; errors {errors}" +
                (errors > 0 ? $" [{results.First(x => x.Loop.Errors.Count > 0).Loop.Errors.Describe()}]" : ""));
            common.Results.Append(Name, target.Backend,
                new JsonObject { ["clients"] = clients, ["batch"] = batch, ["duration_s"] = duration.TotalSeconds, ["reps"] = reps, ["protocol"] = "HTTP/1.1 keep-alive, one connection per client",
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
        finally
        {
            foreach (var c in connections) c.Dispose();
            foreach (var b in bodies) b.Dispose();
        }
    }

    /// <summary>One window on fresh runs (one per client), so every rep starts from empty runs.</summary>
    private static async Task<LoopResult> OnceAsync(HttpClient[] connections, MlflowBatchBody[] bodies, string experiment, TimeSpan duration, int batch,
        CancellationToken ct)
    {
        var runs = await MlflowHttp.RunsAsync(connections[0], experiment, connections.Length, ct);
        var steps = batch / Payloads.KeysPerBatch;
        var randoms = Enumerable.Range(0, connections.Length).Select(i => new Random(i)).ToArray();
        return await ClosedLoop.RunAsync(connections.Length, duration, async (worker, i, token) =>
        {
            var body = bodies[worker].Write(runs[worker], i * steps, batch, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), randoms[worker]);
            await MlflowHttp.PostAsync(connections[worker], "runs/log-batch", body, token);
            return batch;
        }, ct);
    }
}
