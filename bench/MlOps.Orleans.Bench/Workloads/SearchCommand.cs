using System.Diagnostics;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// SearchRuns over a 100,000-run experiment with a metric filter and a metric order (the figure), an unfiltered
/// 1,000-run page, and the same over a 1,000-run experiment to set beside MLflow's figures for that size.
/// </summary>
internal sealed class SearchCommand : IBenchCommand
{
    private const int Warmups = 3;

    public string Name => "search";
    public string Usage => "[--runs 100000] [--small-runs 1000] [--seed-concurrency 32] [--reps 30] [--experiment ID --small-experiment ID (reuse seeded ones)]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var runs = options.Int("runs", 100_000);
        var smallRuns = options.Int("small-runs", 1000);
        var concurrency = options.Int("seed-concurrency", 32);
        var reps = options.Int("reps", 30);
        var largeId = options.String("experiment");
        var smallId = options.String("small-experiment");
        options.RejectUnknown();

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        using var pool = new ChannelPool(target.Grpc, 4);
        var figures = new JsonObject();
        if (largeId is null)
        {
            largeId = await Fixtures.ExperimentAsync(pool.Client(0), "search-large", ct);
            await common.Quiet.WaitAsync(target.Measured, ct);
            var cpu = new CpuMeter(target.Measured);
            var took = await SearchSeeder.SeedAsync(pool, largeId, runs, concurrency, ct);
            var use = cpu.Stop();
            Console.WriteLine($"search seed backend={target.Backend}: {runs:N0} runs (CreateRun + LogBatch each, {concurrency} concurrent) in " +
                $"{took.TotalSeconds:0.0} s = {runs / took.TotalSeconds:N0} runs/s; {use}");
            figures["seed"] = new JsonObject
            {
                ["runs"] = runs, ["seconds"] = Math.Round(took.TotalSeconds, 2), ["runs_per_s"] = Math.Round(runs / took.TotalSeconds), ["cpu"] = use.ToJson(),
            };
        }
        if (smallId is null)
        {
            smallId = await Fixtures.ExperimentAsync(pool.Client(0), "search-small", ct);
            await SearchSeeder.SeedAsync(pool, smallId, smallRuns, concurrency, ct);
        }

        // About half the runs match rmse < 0.5, so every page is full.
        var cases = new[]
        {
            SearchCase.Create("metric_filter_order_100", largeId, "metrics.rmse < 0.5", "metrics.rmse ASC", 100, reps, SearchCase.AscendingRmseBelow(0.5, 100)),
            SearchCase.Create("metric_param_tag_filter_order_100", largeId, "metrics.rmse < 0.5 AND params.model = 'tree' AND tags.team = 'a'",
                "metrics.rmse ASC", 100, reps, SearchCase.AscendingRmseBelow(0.5, 100)),
            SearchCase.Create("unfiltered_1000", largeId, "", null, 1000, Math.Max(5, reps / 3), SearchCase.Count(Math.Min(1000, runs))),
            SearchCase.Create("small_unfiltered_1000", smallId, "", null, 1000, reps, SearchCase.Count(Math.Min(1000, smallRuns))),
            SearchCase.Create("small_metric_param_tag_filter", smallId, "metrics.rmse < 0.5 AND params.model = 'tree' AND tags.team = 'a'",
                "metrics.rmse ASC", 1000, reps, _ => null),
        };
        foreach (var searchCase in cases)
        {
            await common.Quiet.WaitAsync(target.Measured, ct);
            var result = await TimeAsync(pool, searchCase, ct);
            Console.WriteLine($"search backend={target.Backend} {searchCase.Name} (filter \"{searchCase.Request.Filter}\", order [{string.Join(", ", searchCase.Request.OrderBy)}], " +
                $"max {searchCase.Request.MaxResults}): {result.Latency}, {result.Returned} runs returned" + (result.Problem is null ? "" : $"; WRONG ANSWER: {result.Problem}"));
            figures[searchCase.Name] = new JsonObject
            {
                ["filter"] = searchCase.Request.Filter, ["order_by"] = string.Join(", ", searchCase.Request.OrderBy), ["max_results"] = searchCase.Request.MaxResults,
                ["returned"] = result.Returned, ["latency"] = result.Latency.ToJson(), ["problem"] = result.Problem,
            };
        }
        common.Results.Append(Name, target.Backend,
            new JsonObject { ["runs"] = runs, ["small_runs"] = smallRuns, ["reps"] = reps, ["experiment"] = largeId, ["small_experiment"] = smallId },
            figures);
    }

    private static async Task<(Summary Latency, int Returned, string? Problem)> TimeAsync(ChannelPool pool, SearchCase searchCase, CancellationToken ct)
    {
        var client = pool.Client(0);
        string? problem = null;
        var returned = 0;
        for (var i = 0; i < Warmups; i++)
        {
            var warm = await client.SearchRunsAsync(searchCase.Request, cancellationToken: ct);
            problem ??= searchCase.Check(warm);
            returned = warm.Runs.Count;
        }
        var latencies = new List<double>(searchCase.Reps);
        for (var i = 0; i < searchCase.Reps; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await client.SearchRunsAsync(searchCase.Request, cancellationToken: ct);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            problem ??= searchCase.Check(response);
        }
        return (Stats.Summarize(latencies), returned, problem);
    }
}
