using System.Globalization;
using MlOps.Orleans.Catalog.Postgres;
using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Catalog.Tracking.SqlTrackingStore;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// A run search ordered by a metric walks the metric's (experiment, key, value) index; below a threshold (none by
/// default) it reads every run instead. Both plans must give the same pages: present values in order, then runs without
/// the metric (or NaN), ties broken by run id, paged with tokens across the boundary. Checked against a brute force over
/// what was seeded, with the default (the walk) and a threshold above the catalog's size (every run read).
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class RunSearchPlanTests : IDisposable
{
    private const int RunsPerExperiment = 120;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-run-search-").FullName;

    private sealed record Seeded(string RunId, string ExperimentId, bool Deleted, double A, double? B, string Team);

    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public async Task Both_plans_page_like_the_brute_force(string backend)
    {
        await using var db = await OpenAsync(backend);
        var walk = new SqlTrackingStore(db);
        var whole = new SqlTrackingStore(db, indexWalkMinRuns: 10 * RunsPerExperiment);
        var runs = await SeedAsync(walk);
        string[] a = [runs[0].ExperimentId], both = [runs[0].ExperimentId, runs[^1].ExperimentId];

        (string? Filter, string[] OrderBy)[] searches =
        [
            (null, ["metrics.b DESC"]),
            ("metrics.a > 0.3", ["metrics.b ASC"]),
            ("metrics.b < 0.7", ["metrics.b DESC"]),
            ("tags.team = 'x'", ["metrics.b ASC", "metrics.a DESC"]),
            (null, ["metrics.a ASC", "metrics.b DESC"]),
            ("metrics.b >= 0.2 AND metrics.a <= 0.8", ["metrics.b ASC"]),
            (null, ["attributes.start_time DESC"]),
        ];
        foreach (var experiments in new[] { a, both })
        foreach (var view in new[] { ViewType.ActiveOnly, ViewType.All })
        foreach (var (filter, orderBy) in searches)
        {
            var expected = BruteForce(runs, experiments, view, filter, orderBy);
            var query = new SearchRunsQuery(experiments, filter, view, 7, orderBy, null);
            Assert.True(expected.Count > 14, $"{filter} {string.Join(",", orderBy)}: the seed should fill several pages");
            foreach (var (name, store) in new[] { ("walk", walk), ("whole", whole) })
            {
                var got = await ReadAllPagesAsync(store, query);
                Assert.True(expected.SequenceEqual(got),
                    $"{backend} {name} plan, experiments [{string.Join(",", experiments)}] {view}, filter '{filter}' order [{string.Join(", ", orderBy)}]: " +
                    $"first difference at {expected.Zip(got).TakeWhile(p => p.First == p.Second).Count()} of {expected.Count} (got {got.Count})");
            }
        }

        var metricOrder = new SearchRunsQuery(a, null, ViewType.ActiveOnly, 7, ["metrics.b DESC"], null);
        Assert.Equal([RunSegment.Present, RunSegment.Missing], await walk.RunSearchPlanAsync(metricOrder));
        Assert.Equal([RunSegment.Present], await walk.RunSearchPlanAsync(metricOrder with { Filter = "metrics.b > 0.1" }));
        Assert.Equal([RunSegment.All], await whole.RunSearchPlanAsync(metricOrder));
        Assert.Equal([RunSegment.All], await walk.RunSearchPlanAsync(metricOrder with { OrderBy = ["attributes.run_name ASC"] }));
    }

    private async Task<CatalogDatabase> OpenAsync(string backend)
    {
        if (backend == "sqlite") return await SqliteCatalogDatabase.OpenAsync(Path.Join(_folder, "catalog.db"));
        TestServices.Require(TestPostgres.AdminVariable, "PostgreSQL");
        return await PostgresCatalogDatabase.OpenAsync(await TestPostgres.CreateDatabaseAsync("mlops_runsearch"));
    }

    /// <summary>
    /// Two experiments of <see cref="RunsPerExperiment"/> runs: metric a on every run, b on most (rounded so values tie,
    /// NaN on some, missing on others), a team tag, a few runs deleted.
    /// </summary>
    private static async Task<List<Seeded>> SeedAsync(SqlTrackingStore store)
    {
        var random = new Random(15);
        var seeded = new List<Seeded>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var experiment in new[] { "11", "12" })
        {
            await store.WriteExperimentAsync(new ExperimentInfo(experiment, "search-" + experiment, "file:///tmp/e" + experiment,
                LifecycleStage.Active, now, now, new Dictionary<string, string>()), isNew: true);
            for (var i = 0; i < RunsPerExperiment; i++)
            {
                var roll = random.Next(10);
                double? b = roll == 0 ? null : roll == 1 ? double.NaN : Math.Round(random.NextDouble(), 1);
                var run = new Seeded(Guid.NewGuid().ToString("N"), experiment, random.Next(12) == 0, Math.Round(random.NextDouble(), 3), b,
                    random.Next(3) == 0 ? "x" : "y");
                seeded.Add(run);
            }
        }
        var writes = seeded.Select((run, i) =>
        {
            List<MetricPoint> latest = [new("a", run.A, now, 0)];
            if (run.B is { } b) latest.Add(new("b", b, now, 0));
            return new RunWrite(run.RunId)
            {
                IsNew = true,
                Info = new RunInfo(run.RunId, run.ExperimentId, "run-" + i.ToString(CultureInfo.InvariantCulture), "tester", RunStatus.Finished,
                    now - (i % 17), now, "file:///tmp/r", run.Deleted ? LifecycleStage.Deleted : LifecycleStage.Active, null),
                TagUpserts = [new("team", run.Team)],
                LatestUpserts = latest,
            };
        }).ToList();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (w, ct) => await store.WriteRunAsync(w, ct));
        return seeded;
    }

    private static async Task<List<string>> ReadAllPagesAsync(SqlTrackingStore store, SearchRunsQuery query)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await store.SearchRunsAsync(query with { PageToken = token });
            Assert.True(page.Runs.Count <= query.MaxResults);
            ids.AddRange(page.Runs.Select(r => r.Info.RunId));
            token = page.NextPageToken;
            Assert.True(ids.Count <= 2 * RunsPerExperiment, "paging did not end");
        }
        while (token is not null);
        return ids;
    }

    /// <summary>MLflow's order: each metric key ascending or descending with missing and NaN values last, run id last.</summary>
    private static List<string> BruteForce(List<Seeded> runs, string[] experiments, ViewType view, string? filter, string[] orderBy)
    {
        var matching = runs.Where(r => experiments.Contains(r.ExperimentId) && (view == ViewType.All || !r.Deleted) && Matches(r, filter)).ToList();
        var start = runs.Select((r, i) => (r.RunId, Start: i % 17)).ToDictionary(p => p.RunId, p => p.Start);
        var list = matching.ToList();
        list.Sort((x, y) =>
        {
            foreach (var order in orderBy)
            {
                var desc = order.EndsWith("DESC", StringComparison.Ordinal);
                int c;
                if (order.StartsWith("attributes.start_time", StringComparison.Ordinal))
                    c = -start[x.RunId].CompareTo(start[y.RunId]) * (desc ? -1 : 1); // start = now - (i % 17)
                else
                {
                    double? vx = order.StartsWith("metrics.a", StringComparison.Ordinal) ? x.A : x.B, vy = order.StartsWith("metrics.a", StringComparison.Ordinal) ? y.A : y.B;
                    var px = vx is { } dx && !double.IsNaN(dx);
                    var py = vy is { } dy && !double.IsNaN(dy);
                    c = px != py ? (px ? -1 : 1) : !px ? 0 : vx!.Value.CompareTo(vy!.Value) * (desc ? -1 : 1);
                }
                if (c != 0) return c;
            }
            return string.CompareOrdinal(x.RunId, y.RunId);
        });
        return list.Select(r => r.RunId).ToList();
    }

    private static bool Matches(Seeded run, string? filter)
    {
        if (filter is null) return true;
        return filter.Split(" AND ").All(clause =>
        {
            var parts = clause.Split(' ');
            if (parts[0] == "tags.team") return run.Team == parts[2].Trim('\'');
            double? value = parts[0] == "metrics.a" ? run.A : run.B;
            if (value is not { } v || double.IsNaN(v)) return false;
            var t = double.Parse(parts[2], CultureInfo.InvariantCulture);
            return parts[1] switch { "<" => v < t, "<=" => v <= t, ">" => v > t, ">=" => v >= t, _ => throw new ArgumentException(clause) };
        });
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
