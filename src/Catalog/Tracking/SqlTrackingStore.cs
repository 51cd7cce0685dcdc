using System.Data.Common;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Tracking;

/// <summary>
/// The tracking catalog (experiments, runs, metrics, run artifacts) over a <see cref="CatalogDatabase"/>; its parts are
/// experiments and artifacts here, runs in <c>SqlTrackingStore.Runs.cs</c>, searches in <c>SqlTrackingStore.Search.cs</c>.
/// <paramref name="indexWalkMinRuns"/> is where a metric-ordered run search switches plan (see
/// <see cref="DefaultIndexWalkMinRuns"/>); tests raise it to check the whole-experiment plan too.
/// </summary>
public sealed partial class SqlTrackingStore(CatalogDatabase db, int indexWalkMinRuns = SqlTrackingStore.DefaultIndexWalkMinRuns) : ITrackingStore
{
    private const string Workspace = CatalogDatabase.Workspace;

    private const string ExperimentColumns =
        "e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time";

    private readonly CatalogDatabase _db = db;
    private readonly int _indexWalkMinRuns = indexWalkMinRuns;

    public Task<bool> PingAsync(CancellationToken ct = default) => _db.PingAsync(ct);

    public string? DefaultArtifactRoot { get; init; }

    /// <summary>Creates the <c>Default</c> experiment 0 that MLflow clients expect; a no-op when it exists.</summary>
    public Task EnsureDefaultExperimentAsync(CancellationToken ct = default)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return _db.WriteAsync(async (c, tx, token) => await c.ExecAsync(tx,
            "INSERT INTO experiments (workspace, experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) " +
            "VALUES (@w, 0, 'Default', @loc, 1, @now, @now) ON CONFLICT DO NOTHING", token,
            ("@w", Workspace), ("@now", now), ("@loc", ExperimentLocations.For(DefaultArtifactRoot, "0"))).ConfigureAwait(false), ct);
    }

    private static long ParseId(string id) => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture);

    private static string IdText(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // NaN cannot be stored in SQLite's REAL, and PostgreSQL would sort it above every number: both store NULL.
    private static object? SearchableValue(double value) => double.IsNaN(value) ? null : value;

    public async Task<ExperimentInfo?> LoadExperimentAsync(string experimentId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var list = await ReadExperimentsAsync(connection, $"SELECT {ExperimentColumns} FROM experiments e WHERE e.workspace = @w AND e.experiment_id = @id",
            new[] { ("@w", (object?)Workspace), ("@id", ParseId(experimentId)) }, ct).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public async Task WriteExperimentAsync(ExperimentInfo experiment, bool isNew, CancellationToken ct = default)
    {
        try
        {
            await _db.WriteAsync(async (c, tx, token) =>
            {
                var id = ParseId(experiment.ExperimentId);
                if (isNew)
                {
                    await c.ExecAsync(tx,
                        "INSERT INTO experiments (workspace, experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) " +
                        "VALUES (@w, @id, @name, @loc, @stage, @created, @updated)", token,
                        ("@w", Workspace), ("@id", id), ("@name", experiment.Name), ("@loc", experiment.ArtifactLocation),
                        ("@stage", (int)experiment.LifecycleStage), ("@created", experiment.CreationTime), ("@updated", experiment.LastUpdateTime)).ConfigureAwait(false);
                }
                else
                {
                    await c.ExecAsync(tx,
                        "UPDATE experiments SET name = @name, artifact_location = @loc, lifecycle_stage = @stage, last_update_time = @updated " +
                        "WHERE workspace = @w AND experiment_id = @id", token,
                        ("@w", Workspace), ("@id", id), ("@name", experiment.Name), ("@loc", experiment.ArtifactLocation),
                        ("@stage", (int)experiment.LifecycleStage), ("@updated", experiment.LastUpdateTime)).ConfigureAwait(false);
                    await c.ExecAsync(tx, "DELETE FROM experiment_tags WHERE workspace = @w AND experiment_id = @id", token,
                        ("@w", Workspace), ("@id", id)).ConfigureAwait(false);
                }
                foreach (var (key, value) in experiment.Tags)
                {
                    await c.ExecAsync(tx, "INSERT INTO experiment_tags (workspace, experiment_id, key, value) VALUES (@w, @id, @k, @v)", token,
                        ("@w", Workspace), ("@id", id), ("@k", key), ("@v", value)).ConfigureAwait(false);
                }
                return 0;
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (_db.IsUniqueViolation(e))
        {
            throw MlopsException.Exists($"an experiment named '{experiment.Name}' already exists");
        }
    }

    public async Task<string?> FindExperimentIdAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command("SELECT experiment_id FROM experiments WHERE workspace = @w AND name = @n")
            .With(("@w", Workspace), ("@n", name));
        var result = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return result is null or DBNull ? null : IdText(Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<string?> FindExperimentByLocationAsync(IReadOnlyList<string> locations, CancellationToken ct = default)
    {
        if (locations.Count == 0) return null;
        await using var connection = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var values = new SqlParameters();
        var inList = string.Join(", ", locations.Select(l => values.Add(l)));
        await using var command = connection.Command(
            $"SELECT experiment_id, artifact_location FROM experiments WHERE workspace = @w AND lifecycle_stage = 1 AND artifact_location IN ({inList})")
            .With(("@w", Workspace));
        values.ApplyTo(command);
        var found = new List<(long Id, string Location)>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) found.Add((reader.GetInt64(0), reader.GetString(1)));
        // The deepest location owns the path; two experiments on one location cannot tell whose it is, so neither does.
        var deepest = found.GroupBy(f => f.Location.Length).OrderByDescending(g => g.Key).FirstOrDefault()?.ToList();
        return deepest is [var only] ? IdText(only.Id) : null;
    }

    public async Task<string?> FindOverlappingLocationAsync(string location, CancellationToken ct = default)
    {
        var segments = location.Split('/');
        var prefixes = Enumerable.Range(2, segments.Length - 1).Select(k => string.Join('/', segments.Take(k))).ToList();
        await using var connection = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var values = new SqlParameters();
        var inList = string.Join(", ", prefixes.Select(l => values.Add(l)));
        var below = location + "/";
        await using var command = connection.Command(
            $"SELECT experiment_id FROM experiments WHERE workspace = @w AND lifecycle_stage = 1 AND " +
            $"(artifact_location IN ({inList}) OR substr(artifact_location, 1, {values.Add(below.Length)}) = {values.Add(below)}) LIMIT 1")
            .With(("@w", Workspace));
        values.ApplyTo(command);
        var result = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return result is null or DBNull ? null : IdText(Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<List<ExperimentInfo>> ReadExperimentsAsync(DbConnection connection, string sql,
        IEnumerable<(string, object?)> parameters, CancellationToken ct)
    {
        var rows = new List<(long Id, string Name, string Loc, int Stage, long Created, long Updated)>();
        await using (var command = connection.Command(sql).With(parameters.ToArray()))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetInt64(4), reader.GetInt64(5)));
        }
        if (rows.Count == 0) return [];
        var tags = rows.ToDictionary(r => r.Id, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        var ids = new SqlParameters();
        var inList = string.Join(", ", rows.Select(r => ids.Add(r.Id)));
        await using (var command = connection.Command($"SELECT experiment_id, key, value FROM experiment_tags WHERE workspace = '{Workspace}' AND experiment_id IN ({inList})"))
        {
            ids.ApplyTo(command);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                tags[reader.GetInt64(0)][reader.GetString(1)] = reader.GetString(2);
        }
        return rows.Select(r => new ExperimentInfo(IdText(r.Id), r.Name, r.Loc, (LifecycleStage)r.Stage, r.Created, r.Updated, tags[r.Id])).ToList();
    }

    public Task RecordArtifactAsync(string runId, ArtifactFile file, CancellationToken ct = default) =>
        _db.WriteAsync(async (c, tx, token) => await c.ExecAsync(tx,
            "INSERT INTO run_artifacts (workspace, run_id, path, size, sha256, created_at) VALUES (@w, @r, @p, @s, @h, @t) " +
            "ON CONFLICT (run_id, path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, created_at = excluded.created_at", token,
            ("@w", Workspace), ("@r", runId), ("@p", file.Path), ("@s", file.Size), ("@h", file.Sha256), ("@t", file.CreatedAt)).ConfigureAwait(false), ct);

    public async Task<IReadOnlyList<ArtifactFile>> ListArtifactsAsync(string runId, string prefix, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        // A range on the primary key rather than LIKE, so '%' and '_' in paths mean themselves.
        await using var command = c.Command("SELECT path, size, sha256, created_at FROM run_artifacts WHERE workspace = @w AND run_id = @r " +
            "AND path >= @lo AND path < @hi ORDER BY path").With(("@w", Workspace), ("@r", runId), ("@lo", prefix), ("@hi", prefix + "\uffff"));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<ArtifactFile>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new ArtifactFile(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
        return result;
    }

    public Task RemoveArtifactsAsync(string runId, string path, CancellationToken ct = default) =>
        _db.WriteAsync(async (c, tx, token) => await c.ExecAsync(tx,
            "DELETE FROM run_artifacts WHERE workspace = @w AND run_id = @r AND (path = @p OR (path >= @lo AND path < @hi))", token,
            ("@w", Workspace), ("@r", runId), ("@p", path), ("@lo", path + "/"), ("@hi", path + "/\uffff")).ConfigureAwait(false), ct);
}
