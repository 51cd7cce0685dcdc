using System.Data.Common;
using Microsoft.Data.Sqlite;
using MlOps.Orleans.Catalog.Migrations;
using MlOps.Orleans.Catalog.Postgres;
using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Tests.Infrastructure;
using Npgsql;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// Latest metrics carry their run's experiment (migration 6, issue 16): a metric-ordered search walks only the searched
/// experiment's index range, and a catalog written before the migration gets every row's experiment filled in, so its
/// searches keep finding the runs they found before.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class ExperimentMetricIndexTests : IDisposable
{
    private const int LastVersionBefore = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-metric-index-").FullName;

    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    [Fact]
    public async Task Sqlite_walk_and_filter_read_the_experiment_range_only()
    {
        await using var db = await SqliteCatalogDatabase.OpenAsync(Path.Join(_folder, "catalog.db"));
        var walk = new SqlTrackingStore(db);
        await SeedAsync(walk, "21", 30);
        await SeedAsync(walk, "22", 300);

        var ordered = await walk.ExplainRunSearchAsync(new SearchRunsQuery(["21"], "metrics.acc > 0.5", ViewType.ActiveOnly, 10, ["metrics.rmse ASC"], null));
        Assert.Contains(ordered, l => l.StartsWith("Present:", StringComparison.Ordinal) &&
            l.Contains("ix_latest_metrics_experiment_key (experiment_id=? AND key=?", StringComparison.Ordinal));
        var filtered = await walk.ExplainRunSearchAsync(new SearchRunsQuery(["21"], "metrics.rmse < 0.5", ViewType.ActiveOnly, 10, [], null));
        // The whole-experiment plan starts from the runs of the experiment, never from a scan of any table.
        Assert.DoesNotContain(filtered, l => l.Contains(": SCAN ", StringComparison.Ordinal));
        Assert.Contains(filtered, l => l.Contains("ix_runs_experiment (experiment_id=?", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Postgres_walk_reaches_each_run_by_its_key_before_the_first_analyze()
    {
        TestServices.Require(TestPostgres.AdminVariable, "PostgreSQL");
        // A fresh database has no statistics until autovacuum's first ANALYZE: every estimate is one row, and PostgreSQL
        // joined each walked metric row to a scan of the runs (100 ms for 1,000 runs in the issue 16 bench); the walk must
        // reach a run by its primary key whatever the statistics say.
        await using var db = await PostgresCatalogDatabase.OpenAsync(await TestPostgres.CreateDatabaseAsync("mlops_walk_plan"));
        var walk = new SqlTrackingStore(db);
        await SeedAsync(walk, "21", 40);
        var plan = await walk.ExplainRunSearchAsync(new SearchRunsQuery(["21"], "metrics.acc > 0.5", ViewType.ActiveOnly, 10, ["metrics.rmse ASC"], null));
        var present = plan.Where(l => l.StartsWith("Present:", StringComparison.Ordinal)).ToList();
        var text = string.Join("\n", present);
        Assert.True(text.Contains("ix_latest_metrics_experiment_key", StringComparison.Ordinal), text);
        Assert.True(text.Contains("runs_pkey", StringComparison.Ordinal), text);
        Assert.False(text.Contains("ix_runs_experiment", StringComparison.Ordinal), text);
        var page = await walk.SearchRunsAsync(new SearchRunsQuery(["21"], "metrics.acc > 0.5", ViewType.ActiveOnly, 10, ["metrics.rmse ASC"], null));
        Assert.Equal(10, page.Runs.Count);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public async Task Migration_fills_the_experiment_of_rows_written_before_it(string backend)
    {
        if (backend == "postgres") TestServices.Require(TestPostgres.AdminVariable, "PostgreSQL");
        string location;
        DbConnection connection;
        if (backend == "sqlite")
        {
            location = Path.Join(_folder, "old.db");
            connection = new SqliteConnection($"Data Source={location};Pooling=False");
        }
        else
        {
            location = await TestPostgres.CreateDatabaseAsync("mlops_metric_index");
            connection = new NpgsqlConnection(location);
        }
        await using (connection)
        {
            await connection.OpenAsync();
            await ExecAsync(connection, backend == "sqlite"
                ? "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
                : "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            foreach (var m in Migration.Load(backend == "sqlite" ? "Sqlite" : "Postgres").Where(m => m.Version <= LastVersionBefore))
            {
                await ExecAsync(connection, m.Sql);
                await ExecAsync(connection, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({m.Version}, '{m.Name}', 0)");
            }
            // What a catalog of the previous version holds: two experiments, their runs, latest metrics without an experiment.
            foreach (var (experiment, run, value) in new[] { (31, "r31a", 0.2), (31, "r31b", 0.7), (32, "r32a", 0.1) })
            {
                await ExecAsync(connection, $"INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) " +
                    $"VALUES ({experiment}, 'e{experiment}', 'file:///tmp/e', 1, 1, 1) ON CONFLICT DO NOTHING");
                await ExecAsync(connection, $"INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, artifact_uri, lifecycle_stage) " +
                    $"VALUES ('{run}', {experiment}, '{run}', 'u', 3, 1, 'file:///tmp/r', 1)");
                await ExecAsync(connection, $"INSERT INTO latest_metrics (run_id, key, value, value_bits, step, timestamp) " +
                    $"VALUES ('{run}', 'rmse', {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {BitConverter.DoubleToInt64Bits(value)}, 0, 1)");
            }
        }

        await using CatalogDatabase db = backend == "sqlite"
            ? await SqliteCatalogDatabase.OpenAsync(location)
            : await PostgresCatalogDatabase.OpenAsync(location);
        var walk = new SqlTrackingStore(db);
        var page = await walk.SearchRunsAsync(new SearchRunsQuery(["31"], "metrics.rmse > 0", ViewType.ActiveOnly, 10, ["metrics.rmse DESC"], null));
        Assert.Equal(["r31b", "r31a"], page.Runs.Select(r => r.Info.RunId));
        page = await walk.SearchRunsAsync(new SearchRunsQuery(["32", "31"], null, ViewType.ActiveOnly, 10, ["metrics.rmse ASC"], null));
        Assert.Equal(["r32a", "r31a", "r31b"], page.Runs.Select(r => r.Info.RunId));
    }

    private static async Task SeedAsync(SqlTrackingStore store, string experiment, int runs)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await store.WriteExperimentAsync(new ExperimentInfo(experiment, "index-" + experiment, "file:///tmp/e", LifecycleStage.Active, now, now,
            new Dictionary<string, string>()), isNew: true);
        var random = new Random(int.Parse(experiment, System.Globalization.CultureInfo.InvariantCulture));
        for (var i = 0; i < runs; i++)
        {
            var id = $"{experiment}-{i:D4}";
            await store.WriteRunAsync(new RunWrite(id)
            {
                IsNew = true,
                Info = new RunInfo(id, experiment, id, "tester", RunStatus.Finished, now, now, "file:///tmp/r", LifecycleStage.Active, null),
                LatestUpserts = [new("rmse", random.NextDouble(), now, 0), new("acc", random.NextDouble(), now, 0)],
            });
        }
    }

    private static async Task ExecAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
