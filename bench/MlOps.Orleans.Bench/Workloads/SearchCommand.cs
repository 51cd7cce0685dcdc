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
/// SearchRuns over a seeded experiment (issue 15): a set of random queries drawn from <c>--query-seed</c>, each filtering on
/// one metric and ordering by another, sent open loop at <c>--rate</c> with each driver in windows fixed before the run,
/// p50/p99 over all requests of the kept windows, beside the gRPC floor measured at the same rate just before. Two phases:
/// quiet, and during a background LogBatch load on other runs of the same experiment. Every answer's run ids are compared
/// with a brute force over the values the driver seeded; one wrong answer fails the run. A third, optional phase
/// (<c>reference</c>) sends MLflow's reference search, every run of a <c>--small-runs</c> experiment unfiltered, to set
/// beside MLflow's figure for it. A fourth (<c>small</c>, issue 16) sends the same random queries to that small experiment while
/// the big one sits beside it: its time must not depend on what the neighbours hold. A fifth (<c>idle</c>, issue 16) sends
/// nothing and records the server's CPU in each window: every seeded run published metrics, and an idle silo must stay idle.
/// </summary>
internal sealed class SearchCommand : IBenchCommand
{
    /// <summary>Issue 2's search target, kept beside the floor: absolute p99s are reported, not targeted.</summary>
    private const double TargetP50Ms = 100;

    /// <summary>Issue 16's target for a search of the small experiment, whatever its neighbours hold.</summary>
    private const double SmallTargetP50Ms = 10;

    /// <summary>MLflow 2.22's time for its reference search (shared/reference/mlflow-rest.md), the reference phase's comparison.</summary>
    private const double MlflowReferenceMs = 852;

    private static readonly string[] PhaseNames = ["quiet", "ingest", "reference", "small", "idle"];

    public string Name => "search";

    public string Usage =>
        "[--runs 100000] [--seed-concurrency 32] [--experiment ID (reuse a seeded one)] [--queries 50] [--query-seed 1] [--max-results 100] " +
        "[--rate 10] [--duration 10] [--windows 3] [--warmup 3] [--drivers dotnet,raw] [--floor-duration 10] [--floor-windows 1] " +
        "[--phases quiet,ingest[,reference][,small][,idle]] [--ingest-rate 20] [--ingest-runs 8] [--ingest-batch 1000] [--small-runs 1000] [--reference-rate 5]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var runCount = options.Int("runs", 100_000);
        var concurrency = options.Int("seed-concurrency", 32);
        var experimentId = options.String("experiment");
        var queryCount = options.Int("queries", 50);
        var querySeed = options.Int("query-seed", 1);
        var maxResults = options.Int("max-results", 100);
        var rate = options.Double("rate", 10);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var windows = options.Int("windows", options.Int("reps", 3));
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 3));
        var drivers = options.String("drivers", "dotnet,raw").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", Math.Min(10, duration.TotalSeconds)));
        var floorWindows = options.Int("floor-windows", 1);
        var phases = options.String("phases", "quiet,ingest").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ingestRate = options.Double("ingest-rate", 20);
        var ingestRuns = options.Int("ingest-runs", 8);
        var ingestBatch = options.Int("ingest-batch", 1000);
        var smallRuns = options.Int("small-runs", 1000);
        var referenceRate = options.Double("reference-rate", 5);
        options.RejectUnknown();
        var driverNames = TrackingReadDriver<SearchRunsRequest, SearchRunsResponse>.Names;
        if (drivers.Length == 0 || drivers.FirstOrDefault(d => !driverNames.Contains(d)) is { } unknown)
            throw new UsageException($"--drivers wants a comma list of {string.Join(", ", driverNames)}");
        if (phases.Length == 0 || phases.FirstOrDefault(p => !PhaseNames.Contains(p)) is { } badPhase)
            throw new UsageException($"--phases wants a comma list of {string.Join(", ", PhaseNames)}");
        if (queryCount < 1 || maxResults < 1 || rate <= 0 || referenceRate <= 0 || smallRuns < 1)
            throw new UsageException("--queries, --max-results, --rate, --reference-rate and --small-runs must be positive");
        if (ingestRate <= 0 || ingestRuns < 1 || ingestBatch < 1 || ingestBatch > 1000)
            throw new UsageException("--ingest-rate and --ingest-runs must be positive, --ingest-batch 1 to 1000 (LogBatch's limit)");

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        using var pool = new ChannelPool(target.Grpc, 4);
        using var channel = Channels.Open(target.Grpc);
        var figures = new JsonObject();
        var workloads = new Dictionary<string, SearchWorkload>(StringComparer.Ordinal);
        IReadOnlyList<SearchSeededRun> seeded = [];
        IReadOnlyList<SearchQuery> queries = [];
        IReadOnlyList<IReadOnlyList<string>> expected = [];
        if (phases.Any(p => p != "reference"))
        {
            if (experimentId is null)
            {
                experimentId = await Fixtures.ExperimentAsync(pool.Client(0), "search", ct);
                await common.Quiet.WaitAsync(target.Measured, ct);
                var cpu = new CpuMeter(target.Measured);
                (var took, seeded) = await SearchSeeder.SeedAsync(pool, experimentId, runCount, concurrency, ct);
                var use = cpu.Stop();
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"# search seed backend={target.Backend}: {runCount:N0} runs (CreateRun + LogBatch each, {concurrency} concurrent) in " +
                    $"{took.TotalSeconds:0.0} s = {runCount / took.TotalSeconds:N0} runs/s; {use}"));
                figures["seed"] = new JsonObject
                {
                    ["runs"] = runCount, ["seconds"] = Math.Round(took.TotalSeconds, 2), ["runs_per_s"] = Math.Round(runCount / took.TotalSeconds), ["cpu"] = use.ToJson(),
                };
            }
            else
            {
                seeded = await SearchSeeder.RecoverAsync(pool.Client(0), experimentId, ct);
                Console.Error.WriteLine($"# search: experiment {experimentId} has {seeded.Count:N0} seeded runs (values recomputed from their names)");
            }

            // The brute force runs once per query, before anything is timed: the windows only compare run ids.
            var oracleClock = Stopwatch.StartNew();
            queries = SearchQuery.Generate(querySeed, queryCount, maxResults);
            expected = queries.Select(q => SearchOracle.Expected(seeded, q)).ToList();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# search: {queryCount} queries (seed {querySeed}) answered by brute force over {seeded.Count:N0} runs in {oracleClock.Elapsed.TotalSeconds:0.00} s; " +
                $"answers of {expected.Min(e => e.Count)} to {expected.Max(e => e.Count)} runs"));
            var random = new SearchWorkload(
                string.Create(CultureInfo.InvariantCulture, $"{queryCount} random queries (seed {querySeed}, top {maxResults}) over {seeded.Count:N0} runs"),
                queries.Select(q => SearchWorkload.Request(experimentId, q.Filter, q.OrderBy, q.MaxResults)).ToList(),
                i => queries[i].Describe(), (i, response) => SearchOracle.Check(Ids(response), expected[i]));
            workloads["quiet"] = random;
            workloads["ingest"] = random;
        }
        string? smallId = null;
        if (phases.Contains("reference") || phases.Contains("small"))
        {
            smallId = await Fixtures.ExperimentAsync(pool.Client(0), "search-reference", ct);
            var (_, small) = await SearchSeeder.SeedAsync(pool, smallId, smallRuns, concurrency, ct);
            var smallExpected = queries.Select(q => SearchOracle.Expected(small, q)).ToList();
            if (phases.Contains("small")) workloads["small"] = new SearchWorkload(
                string.Create(CultureInfo.InvariantCulture, $"{queryCount} random queries (seed {querySeed}, top {maxResults}) over {small.Count:N0} runs beside {seeded.Count:N0}"),
                queries.Select(q => SearchWorkload.Request(smallId, q.Filter, q.OrderBy, q.MaxResults)).ToList(),
                i => queries[i].Describe(), (i, response) => SearchOracle.Check(Ids(response), smallExpected[i]));
            var ids = small.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
            var page = Math.Min(1000, smallRuns);
            workloads["reference"] = new SearchWorkload(
                string.Create(CultureInfo.InvariantCulture, $"MLflow's reference search (no filter, no order, {page} runs of a {smallRuns:N0}-run experiment)"),
                [SearchWorkload.Request(smallId, "", null, page)], _ => $"unfiltered, max {page}",
                (_, response) => SearchReference.Check(response.Runs.Select(r => (r.Info.RunId, r.Info.StartTime)).ToList(), ids, page));
        }

        var answers = new SearchAnswers();
        var open = drivers.Select(name => TrackingReadDriver<SearchRunsRequest, SearchRunsResponse>.Open(name, channel, target.Grpc, "SearchRuns",
            SearchRunsResponse.Parser, (client, request, deadline) => client.SearchRunsAsync(request, deadline: deadline, cancellationToken: ct).ResponseAsync)).ToList();
        try
        {
            // Every request once with every driver, checked, before any load: a wrong answer fails here, in seconds.
            foreach (var workload in workloads.Values.Distinct())
                foreach (var driver in open)
                    for (var q = 0; q < workload.Requests.Count; q++)
                        answers.Record("check", driver.Name, q, workload.Describe, workload.Check(q, await driver.CallAsync(workload.Requests[q])));
            if (answers.Wrong > 0) throw new InvalidOperationException($"search answers differ from what was seeded: {answers.First}");

            foreach (var phase in phases)
            {
                if (phase == "idle")
                {
                    figures[phase] = await IdleAsync(common, target, seeded.Count, duration, windows, ct);
                    continue;
                }
                var workload = workloads[phase];
                var phaseRate = phase == "reference" ? referenceRate : rate;
                // The ingest load runs through the phase's floor and windows alike, so the floor says what any call pays under it.
                await using var ingest = phase == "ingest"
                    ? await SearchIngestLoad.StartAsync(pool, experimentId!, ingestRuns, ingestRate, ingestBatch, ct) : null;
                var floors = await GrpcFloor.MeasureAsync(common, target, target.Measured, null, channel, phaseRate, floorDuration, floorWindows, warmup, ct);
                var phaseJson = new JsonObject
                {
                    ["workload"] = workload.Description, ["rate_per_s"] = phaseRate,
                    ["grpc_floor"] = new JsonObject(floors.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson()))),
                };
                foreach (var driver in open)
                {
                    Func<long, Task> call = async n =>
                    {
                        var q = (int)(n % workload.Requests.Count);
                        var response = await driver.CallAsync(workload.Requests[q]);
                        answers.Record(phase, driver.Name, q, workload.Describe, workload.Check(q, response));
                    };
                    var run = await OpenLoopWindows.MeasureAsync(common, target, $"search {phase}", driver.Name, phaseRate, duration, windows, warmup, call, ct);
                    phaseJson[driver.Name] = Report(target, phase, workload, run, floors[driver.Name], duration, ingest, answers, common.RoundTag);
                }
                if (ingest is not null) phaseJson["ingest"] = await ingest.StopAsync();
                figures[phase] = phaseJson;
            }
        }
        finally
        {
            foreach (var driver in open) driver.Dispose();
        }
        figures["answers"] = answers.ToJson();
        figures["queries"] = new JsonArray(queries.Select((q, i) => (JsonNode)new JsonObject
        {
            ["template"] = q.Template, ["filter"] = q.Filter, ["order_by"] = q.OrderBy, ["expected_runs"] = expected[i].Count,
        }).ToArray());
        common.Results.Append(Name, target.Backend,
            new JsonObject
            {
                ["runs"] = seeded.Count, ["experiment"] = experimentId, ["small_runs"] = smallId is null ? null : smallRuns,
                ["small_experiment"] = smallId, ["reference_rate_per_s"] = referenceRate, ["queries"] = queryCount, ["query_seed"] = querySeed, ["max_results"] = maxResults,
                ["rate_per_s"] = rate, ["duration_s"] = duration.TotalSeconds, ["windows"] = windows, ["warmup_s"] = warmup.TotalSeconds,
                ["drivers"] = string.Join(',', drivers), ["phases"] = string.Join(',', phases), ["floor_duration_s"] = floorDuration.TotalSeconds,
                ["floor_windows"] = floorWindows, ["ingest_rate_per_s"] = ingestRate, ["ingest_runs"] = ingestRuns, ["ingest_batch"] = ingestBatch,
                ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
            },
            figures);
        // Written first so the failing run's figures and its first wrong answer are on file; then the run fails.
        if (answers.Wrong > 0) throw new InvalidOperationException($"{answers.Wrong} of {answers.Checked} search answers differ from the brute force; first: {answers.First}");
    }

    /// <summary>Issue 16's idle target: a silo that holds <c>--runs</c> runs which all published metrics, with no requests.</summary>
    private const double IdleTargetCores = 0.05;

    private static async Task<JsonObject> IdleAsync(Common common, BenchTarget target, int runs, TimeSpan duration, int windows, CancellationToken ct)
    {
        var run = await common.Window.RunAsync(target, windows, async _ =>
        {
            await Task.Delay(duration, ct);
            return 0;
        }, ct);
        var kept = run.Windows.Where(w => w.Verdict.Kept).Select(w => w.Cpu.ServerCores ?? double.NaN).ToList();
        var median = kept.Count == 0 || run.Void ? double.NaN : Stats.Median(kept);
        var check = new TargetCheck("idle server (issue 16)", median, IdleTargetCores, "cores");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search backend={target.Backend} phase=idle {runs:N0} runs seeded, no requests, {windows} x {duration.TotalSeconds:0} s{common.RoundTag}: " +
            $"server cores per window [{string.Join(' ', run.Windows.Select(w => $"{w.Cpu.ServerCores:0.000}{(w.Verdict.Kept ? "k" : "d")}"))}], median kept {median:0.000}; " +
            $"{run.Describe()}; target {check}"));
        var json = run.ToJson(_ => new JsonObject());
        json["server_cores_median"] = double.IsFinite(median) ? Math.Round(median, 3) : null;
        json["targets"] = new JsonArray(check.ToJson());
        return json;
    }

    private static List<string> Ids(SearchRunsResponse response) => response.Runs.Select(r => r.Info.RunId).ToList();

    /// <summary>One phase with one driver: the result line (stdout) and its JSON, with the floor and issue 2's p50 target.</summary>
    private static JsonObject Report(BenchTarget target, string phase, SearchWorkload workload, LatencyRun run, LatencyRun floor,
        TimeSpan duration, SearchIngestLoad? ingest, SearchAnswers answers, string roundTag)
    {
        // The reference phase is compared with MLflow's figure, not with the 100k-run target.
        var check = phase switch
        {
            "reference" => null,
            "small" => new TargetCheck($"p50 <= {SmallTargetP50Ms} ms (issue 16)", run.Latency.P50, SmallTargetP50Ms),
            _ => new TargetCheck($"p50 <= {TargetP50Ms} ms (issue 2)", run.Latency.P50, TargetP50Ms),
        };
        var verdict = check is not null ? $"target {check}"
            : string.Create(CultureInfo.InvariantCulture, $"MLflow 2.22 {MlflowReferenceMs} ms, {MlflowReferenceMs / run.Latency.P50:0.0}x its time at p50");
        var load = ingest is null ? "no ingest" : string.Create(CultureInfo.InvariantCulture,
            $"during ingest of {ingest.Rate}/s LogBatch x {ingest.Batch} values on {ingest.Runs} other runs");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search backend={target.Backend} phase={phase} driver={run.Driver} {workload.Description} at {run.Rate}/s, " +
            $"{run.Run.Planned} x {duration.TotalSeconds:0} s, {load}{roundTag}: {run}; achieved {run.AchievedMedian:0.0}/s; server {run.ServerCoresMedian:0.00} cores; " +
            $"{run.DescribeAboveFloor(floor)}; answers checked so far {answers.Checked}, wrong {answers.Wrong}; {verdict}"));
        var json = run.ToJson();
        json["above_floor"] = run.AboveFloor(floor);
        json["targets"] = check is null ? new JsonArray() : new JsonArray(check.ToJson());
        if (check is null) json["mlflow_reference_ms"] = MlflowReferenceMs;
        return json;
    }
}
