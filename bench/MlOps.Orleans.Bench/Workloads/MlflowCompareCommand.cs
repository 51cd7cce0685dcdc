using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Ours against a real <c>mlflow server</c> started beside it in the same session, both driven by this bench's HTTP/1.1
/// driver (<see cref="MlflowHttp"/>, one keep-alive connection per client) with identical request bytes: experiments and
/// runs are created from the same bodies and MLflow's get ours' ids (<see cref="MlflowPair"/>), so every measured body is
/// the same array for both, fingerprinted as sent and compared at the end (<see cref="MlflowPairedRequests"/>). Per
/// workload (log-metric single calls, log-batch, runs/search over seeded runs, answers checked against brute force) and
/// per client count, closed loop, a fixed number of window pairs alternating which server goes first
/// (<see cref="MlflowPairedRun"/>); per server throughput and p50/p99 over all requests of the kept windows, and ours/theirs.
/// </summary>
internal sealed class MlflowCompareCommand : IBenchCommand
{
    private static readonly string[] WorkloadNames = ["log-metric", "log-batch", "search"];

    public string Name => "mlflow-compare";

    public string Usage => "[--workloads log-metric,log-batch,search] [--clients 1,8] [--duration 5] [--windows 3] [--warmup 2] [--batch 1000] " +
        "[--search-runs 1000] [--http URL (with --target)] " + MlflowReferenceSpec.Usage;

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var workloads = options.String("workloads", string.Join(',', WorkloadNames)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var clientCounts = options.Ints("clients", 1, 8);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 5));
        var windows = options.Int("windows", 3);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 2));
        var batch = options.Int("batch", 1000);
        var searchRuns = options.Int("search-runs", 1000);
        var http = options.String("http");
        var spec = MlflowReferenceSpec.Read(options);
        options.RejectUnknown();
        if (workloads.Length == 0 || workloads.FirstOrDefault(w => !WorkloadNames.Contains(w)) is { } unknown)
            throw new UsageException($"--workloads wants a comma list of {string.Join(", ", WorkloadNames)}");
        if (batch % Payloads.KeysPerBatch != 0 || batch < Payloads.KeysPerBatch || batch > 1000)
            throw new UsageException($"--batch must be a multiple of {Payloads.KeysPerBatch}, at most 1000 (MLflow's limit)");
        if (clientCounts.Count == 0 || clientCounts.Any(c => c < 1)) throw new UsageException("--clients wants positive counts");
        if (searchRuns < 1) throw new UsageException("--search-runs must be positive");

        // MLflow first: a missing MLflow fails before our server is started for nothing.
        await using var theirs = await MlflowReferenceServer.StartAsync(spec, ct);
        await using var ours = await PlatformTarget.OpenAsync(common.Target, http, null, ct);
        var pair = new MlflowPair(ours.RequireHttp(), theirs);
        var baseTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var experiment = await pair.ExperimentAsync($"bench-{Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}", ct);
        // One run per client of the largest count, shared by the log workloads: each client writes its own run.
        var logRuns = await pair.RunsAsync(experiment, "log", clientCounts.Max(), baseTime, ct);
        IReadOnlyList<MlflowSearchSeedRun>? seeds = null;
        string? searchExperiment = null;
        if (workloads.Contains("search"))
        {
            searchExperiment = await pair.ExperimentAsync($"bench-{Name}-search-{Guid.NewGuid():N}", ct);
            var ids = await pair.RunsAsync(searchExperiment, "search", searchRuns, baseTime, ct);
            seeds = ids.Select(MlflowSearchSeedRun.For).ToList();
            await pair.PostBothAsync("runs/log-batch", seeds.Select(s => MlflowCompareBodies.SearchSeed(s.RunId, s, baseTime)).ToList(), ct);
            Console.Error.WriteLine($"#   seeded {searchRuns} search runs on both servers");
        }

        var figures = new JsonObject();
        var lines = new List<string>();
        long compared = 0;
        var caseIndex = 0;
        foreach (var workload in workloads)
        {
            foreach (var clients in clientCounts)
            {
                var round = ++caseIndex;
                var (route, valuesPerCall, requests, check) = Case(workload, round, clients, logRuns, baseTime, batch, searchExperiment, seeds);
                var connections = new[] { pair.Open(MlflowPair.Ours, clients), pair.Open(MlflowPair.Theirs, clients) };
                try
                {
                    // Warm-up on both (connections opened, JIT and caches warm), not measured; its bodies are part of the shared sequence.
                    if (warmup > TimeSpan.Zero)
                    {
                        foreach (var server in new[] { MlflowPair.Ours, MlflowPair.Theirs })
                            await MlflowPairedLoop.RunAsync(connections[server], server, route, requests, warmup, valuesPerCall, check, ct);
                    }
                    var (oursRun, theirsRun) = await MlflowPairedRun.RunAsync(common, ours.Measured, theirs.Process.Id, windows, async (server, w) =>
                    {
                        var loop = await MlflowPairedLoop.RunAsync(connections[server], server, route, requests, duration, valuesPerCall, check, ct);
                        var errors = loop.Errors.Count > 0 ? $" [{loop.Errors.Describe()}]" : "";
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"#   {workload} clients={clients} {MlflowPair.Name(server)} window {w + 1}/{windows}: {loop.RequestsPerSecond:0.0} req/s, " +
                            $"{Stats.Summarize(loop.Latencies)}, errors {loop.Errors.Count}{errors}"));
                        return loop;
                    }, ct);
                    var positions = requests.AssertIdentical();
                    compared += positions;
                    var oursSide = new MlflowCompareSide(MlflowPair.Ours, oursRun);
                    var theirsSide = new MlflowCompareSide(MlflowPair.Theirs, theirsRun);
                    var ratio = MlflowCompareRatio.Of(oursSide.RequestsPerSecond, oursSide.Latency, theirsSide.RequestsPerSecond, theirsSide.Latency);
                    var line = string.Create(CultureInfo.InvariantCulture,
                        $"mlflow-compare backend={ours.Backend} mlflow={theirs.Version} workload={workload} clients={clients} windows={windows}x{duration.TotalSeconds}s{common.RoundTag}: " +
                        $"ours {Describe(oursSide)}; mlflow {Describe(theirsSide)}; ours/mlflow {ratio}; identical bytes at {positions} positions");
                    Console.WriteLine(line);
                    lines.Add(line);
                    figures[$"{workload}_c{clients}"] = new JsonObject
                    {
                        ["workload"] = workload, ["route"] = route, ["clients"] = clients, ["values_per_request"] = valuesPerCall,
                        ["identical_positions"] = positions, ["first_per_window"] = new JsonArray(Enumerable.Range(0, windows).Select(w => (JsonNode)MlflowPair.Name(MlflowPairedRun.FirstOf(w))).ToArray()),
                        ["ours"] = oursSide.ToJson(), ["mlflow"] = theirsSide.ToJson(), ["ours_over_mlflow"] = ratio.ToJson(),
                    };
                }
                finally
                {
                    foreach (var c in connections.SelectMany(c => c)) c.Dispose();
                }
            }
        }
        common.Results.Append(Name, ours.Backend,
            new JsonObject
            {
                ["workloads"] = string.Join(',', workloads), ["clients"] = new JsonArray(clientCounts.Select(c => (JsonNode)c).ToArray()),
                ["duration_s"] = duration.TotalSeconds, ["windows"] = windows, ["warmup_s"] = warmup.TotalSeconds, ["batch"] = batch,
                ["search_runs"] = workloads.Contains("search") ? searchRuns : null, ["driver"] = "bench HTTP/1.1 driver (MlflowHttp), one keep-alive connection per client, closed loop",
                ["identical_bytes"] = "asserted per position (SHA-256 prefix of each body as sent)", ["identical_positions"] = compared,
                ["mlflow"] = theirs.ToJson(), ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
            },
            figures);
    }

    private static string Describe(MlflowCompareSide side) => string.Create(CultureInfo.InvariantCulture,
        $"{side.RequestsPerSecond:0.0} req/s ({side.ValuesPerSecond:0} values/s) p50 {side.Latency.P50:0.###} p99 {side.Latency.P99:0.###} ms " +
        $"n={side.Latency.Count} server {side.ServerCoresMedian:0.00} cores errors {side.Errors} [{side.Run.Describe()}]");

    /// <summary>The route, values per call, shared bodies and answer check of one case; <paramref name="round"/> keeps its steps apart from every other case's.</summary>
    private static (string Route, int ValuesPerCall, MlflowPairedRequests Requests, Func<int, byte[], byte[], string?>? Check) Case(string workload, int round,
        int clients, string[] runs, long baseTime, int batch, string? searchExperiment, IReadOnlyList<MlflowSearchSeedRun>? seeds)
    {
        switch (workload)
        {
            case "log-metric":
                return ("runs/log-metric", 1, new MlflowPairedRequests(clients, (c, i) => MlflowCompareBodies.LogMetric(runs[c], baseTime, round, c, i)), null);
            case "log-batch":
                return ("runs/log-batch", batch, new MlflowPairedRequests(clients, (c, i) => MlflowCompareBodies.LogBatch(runs[c], baseTime, round, c, i, batch)), null);
            default:
                // The query behind each body, found again by reference when its answer comes back.
                var queries = new ConditionalWeakTable<byte[], MlflowSearchQuery>();
                var requests = new MlflowPairedRequests(clients, (c, i) =>
                {
                    var query = MlflowCompareBodies.Search(searchExperiment!, round, c, i);
                    queries.AddOrUpdate(query.Body, query);
                    return query.Body;
                });
                return ("runs/search", 0, requests, (_, body, answer) =>
                    queries.TryGetValue(body, out var query) ? MlflowSearchCheck.Wrong(query, seeds!, answer) : "no query recorded for a search body");
        }
    }
}
