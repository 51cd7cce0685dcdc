using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// MLflow REST <c>runs/log-batch</c> of 1000 metrics: N clients, each an HTTP/1.1 keep-alive connection of its own and a
/// run of its own, posting back to back (closed loop); values/s acknowledged over a fixed number of windows judged by the window rules. The MLflow twin of <c>batch-ingest</c>;
/// <c>mlflow-compare</c> runs the same workload against a real MLflow server with identical bytes.
/// </summary>
internal sealed class MlflowBatchCommand : IBenchCommand
{
    public string Name => "mlflow-batch";
    public string Usage => "[--clients 8] [--duration 10] [--windows 3] [--warmup 5] [--batch 1000] [--http URL (with --target)]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var clients = options.Int("clients", 8);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 3));
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

            // Windows fixed before the run, judged by the window rules (discarded ones counted, void runs measured again).
            var run = await common.Window.RunAsync(target.Measured, null, windows, async w =>
            {
                var loop = await OnceAsync(connections, bodies, experiment, duration, batch, ct);
                Console.Error.WriteLine($"#   window {w + 1}/{windows}: {loop.ValuesPerSecond:N0} values/s, call {loop.CallLatency}, errors {loop.Errors.Count}");
                return loop;
            }, ct);
            var kept = run.Kept.ToList();
            // Throughput over all kept time, latency over all calls of the kept windows (not medians of per-window figures).
            var seconds = kept.Sum(k => k.Elapsed.TotalSeconds);
            var valuesPerSecond = seconds > 0 ? kept.Sum(k => (double)k.Values) / seconds : double.NaN;
            var errors = run.Windows.Sum(w => w.Result.Errors.Count);
            var serverCores = Stats.Median(run.Windows.Where(w => w.Verdict.Kept).Select(w => w.Cpu.ServerCores ?? double.NaN).Where(double.IsFinite));
            var firstError = run.Windows.FirstOrDefault(w => w.Result.Errors.Count > 0)?.Result.Errors.Describe();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mlflow-batch backend={target.Backend} clients={clients} batch={batch} windows={windows}x{duration.TotalSeconds}s (HTTP/1.1 keep-alive, JSON){common.RoundTag}: " +
                $"{valuesPerSecond:N0} values/s over the kept windows ({string.Join(", ", kept.Select(k => k.ValuesPerSecond.ToString("N0", CultureInfo.InvariantCulture)))}); " +
                $"server {serverCores:0.00} cores; errors {errors}{(firstError is null ? "" : $" [{firstError}]")}; {run.Describe()}"));
            var json = run.ToJson(loop => new JsonObject
            {
                ["values_per_s"] = Math.Round(loop.ValuesPerSecond), ["values"] = loop.Values, ["loop_s"] = Math.Round(loop.Elapsed.TotalSeconds, 3),
                ["call_latency"] = loop.CallLatency.ToJson(), ["errors"] = loop.Errors.ToJson(),
            });
            json["values_per_s"] = double.IsFinite(valuesPerSecond) ? Math.Round(valuesPerSecond) : null;
            json["server_cores_median"] = double.IsFinite(serverCores) ? Math.Round(serverCores, 2) : null;
            json["errors"] = errors;
            common.Results.Append(Name, target.Backend,
                new JsonObject
                {
                    ["clients"] = clients, ["batch"] = batch, ["duration_s"] = duration.TotalSeconds, ["windows"] = windows, ["warmup_s"] = warmup.TotalSeconds,
                    ["protocol"] = "HTTP/1.1 keep-alive, one connection per client",
                    ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
                },
                json);
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
