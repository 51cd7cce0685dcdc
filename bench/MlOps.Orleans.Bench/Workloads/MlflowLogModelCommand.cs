using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Issue 17's figure: the request sequence a real MLflow 3.5 client sends for <c>mlflow.sklearn.log_model(...,
/// registered_model_name=...)</c> (run create, params and metrics, the logged model's create, outputs, metric re-send,
/// seven artifact uploads, finalize, registration, the versions tag; the captured
/// <c>log-model-register.jsonl</c>), replayed by this driver against ours and a real MLflow 3.5 started beside it. Both get
/// the same bytes except the ids each server mints (mapped as the replay learns them). Closed loop: each client replays
/// one session after another for the window; a session's time is the sum of its requests' times (send to answer read),
/// so the figure is the servers' time, not the driver's. Windows alternate which server goes first and are judged as in
/// <c>mlflow-compare</c>.
/// </summary>
internal sealed class MlflowLogModelCommand : IBenchCommand
{
    public string Name => "mlflow-log-model";

    public string Usage => "[--capture tests/MlOps.Orleans.Tests/Mlflow/Fixtures/mlflow-3.5/log-model-register.jsonl] [--clients 1,8] [--duration 10] " +
        "[--windows 3] [--http URL (with --target)] " + MlflowReferenceSpec.Usage;

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var capture = options.String("capture", Path.Join(RepositoryRoot(), "tests", "MlOps.Orleans.Tests", "Mlflow", "Fixtures", "mlflow-3.5", "log-model-register.jsonl"));
        var clientCounts = options.Ints("clients", 1, 8);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var windows = options.Int("windows", 3);
        var http = options.String("http");
        var spec = MlflowReferenceSpec.Read(options);
        options.RejectUnknown();
        if (!File.Exists(capture)) throw new UsageException($"no capture at {capture} (--capture)");
        if (clientCounts.Count == 0 || clientCounts.Any(c => c < 1)) throw new UsageException("--clients wants positive counts");
        var exchanges = MlflowSessionReplay.Exchanges(capture);
        var capturedExperiment = (string?)exchanges.Select(e => e["request_body"]?["experiment_id"]).FirstOrDefault(e => e is not null)
            ?? throw new UsageException($"{capture} names no experiment_id");

        await using var theirs = await MlflowReferenceServer.StartAsync(spec, ct);
        await using var ours = await PlatformTarget.OpenAsync(common.Target, http, null, ct);
        var pair = new MlflowPair(ours.RequireHttp(), theirs);
        var experiment = await pair.ExperimentAsync($"bench-{Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}", ct);

        var figures = new JsonObject();
        foreach (var clients in clientCounts)
        {
            var connections = new[] { pair.Open(MlflowPair.Ours, clients), pair.Open(MlflowPair.Theirs, clients) };
            try
            {
                // One session per client on each server first: connections, JIT, caches and the registered model exist.
                foreach (var server in new[] { MlflowPair.Ours, MlflowPair.Theirs })
                {
                    var warm = await LoopAsync(connections[server], exchanges, capturedExperiment, experiment, TimeSpan.Zero, ct);
                    if (warm.Errors.Count > 0) throw new InvalidOperationException($"{MlflowPair.Name(server)} failed the warm-up session: {warm.Errors.Describe()}");
                }
                var (oursRun, theirsRun) = await MlflowPairedRun.RunAsync(common, ours.Measured, theirs.Process.Id, windows, async (server, w) =>
                {
                    var loop = await LoopAsync(connections[server], exchanges, capturedExperiment, experiment, duration, ct);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"#   log-model clients={clients} {MlflowPair.Name(server)} window {w + 1}/{windows}: {loop.RequestsPerSecond:0.00} sessions/s, " +
                        $"{Stats.Summarize(loop.Latencies)}, errors {loop.Errors.Count}{(loop.Errors.Count > 0 ? $" [{loop.Errors.Describe()}]" : "")}"));
                    return loop;
                }, ct);
                var oursSide = new MlflowCompareSide(MlflowPair.Ours, oursRun);
                var theirsSide = new MlflowCompareSide(MlflowPair.Theirs, theirsRun);
                var ratio = MlflowCompareRatio.Of(oursSide.RequestsPerSecond, oursSide.Latency, theirsSide.RequestsPerSecond, theirsSide.Latency);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"mlflow-log-model backend={ours.Backend} mlflow={theirs.Version} clients={clients} windows={windows}x{duration.TotalSeconds}s{common.RoundTag}: " +
                    $"{exchanges.Count} requests per session; ours {Describe(oursSide)}; mlflow {Describe(theirsSide)}; ours/mlflow {ratio}; target: mlflow session p50 >= 3x ours"));
                figures[$"log_model_c{clients}"] = new JsonObject
                {
                    ["clients"] = clients, ["requests_per_session"] = exchanges.Count,
                    ["first_per_window"] = new JsonArray(Enumerable.Range(0, windows).Select(w => (JsonNode)MlflowPair.Name(MlflowPairedRun.FirstOf(w))).ToArray()),
                    ["ours"] = oursSide.ToJson(), ["mlflow"] = theirsSide.ToJson(), ["ours_over_mlflow"] = ratio.ToJson(),
                    ["session_p50_mlflow_over_ours"] = theirsSide.Latency.P50 / oursSide.Latency.P50,
                };
            }
            finally
            {
                foreach (var c in connections.SelectMany(c => c)) c.Dispose();
            }
        }
        common.Results.Append(Name, ours.Backend, new JsonObject
        {
            ["capture"] = Path.GetFileName(capture), ["clients"] = new JsonArray(clientCounts.Select(c => (JsonNode)c).ToArray()), ["duration_s"] = duration.TotalSeconds,
            ["windows"] = windows, ["driver"] = "bench HTTP/1.1 driver, one keep-alive connection per client, closed loop of whole sessions",
            ["latency"] = "per session: the sum of its requests' times, send to answer read (server time, not the driver's JSON work)",
            ["same_bytes"] = "the capture's requests; only the ids each server mints differ", ["mlflow"] = theirs.ToJson(),
            ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
        }, figures);
    }

    private static string Describe(MlflowCompareSide side) => string.Create(CultureInfo.InvariantCulture,
        $"{side.RequestsPerSecond:0.00} sessions/s, session p50 {side.Latency.P50:0.##} p99 {side.Latency.P99:0.##} ms n={side.Latency.Count} " +
        $"server {side.ServerCoresMedian:0.00} cores errors {side.Errors} [{side.Run.Describe()}]");

    /// <summary>
    /// Each client replays whole sessions until the window ends (one session each when <paramref name="duration"/> is
    /// zero). An answer whose status differs from the capture's is an error, except registering a name that exists (every
    /// session after the first registers the same model name, as a re-run would).
    /// </summary>
    private static async Task<MlflowPairedLoop.Result> LoopAsync(HttpClient[] connections, IReadOnlyList<JsonObject> exchanges, string capturedExperiment,
        string experiment, TimeSpan duration, CancellationToken ct)
    {
        var errors = new ErrorLog();
        long requests = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var sessions = await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
        {
            var own = new List<double>();
            do
            {
                ct.ThrowIfCancellationRequested();
                var replay = new MlflowSessionReplay(connection);
                replay.MapExperiment(capturedExperiment, experiment);
                double total = 0;
                var failed = false;
                foreach (var exchange in exchanges)
                {
                    var (status, body, _, elapsed) = await replay.SendTimedAsync(exchange);
                    total += elapsed;
                    Interlocked.Increment(ref requests);
                    var expected = (int)exchange["status"]!;
                    var already = (string?)(body as JsonObject)?["error_code"] == "RESOURCE_ALREADY_EXISTS";
                    if (status != expected && !already)
                    {
                        errors.Add(new InvalidDataException($"{exchange["method"]} {exchange["path"]}: {status}, captured {expected}"));
                        failed = true;
                        break;
                    }
                    replay.Compare(exchange["response_body"], body);
                }
                if (!failed) own.Add(total);
            }
            while (Stopwatch.GetTimestamp() < deadline);
            return own;
        }, ct)));
        var all = sessions.SelectMany(s => s).ToList();
        return new MlflowPairedLoop.Result(all, all.Count, Interlocked.Read(ref requests), Stopwatch.GetElapsedTime(start), errors);
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Join(dir.FullName, "MlOps.Orleans.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
