using System.Data.Common;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog;

public abstract partial class SqlCatalogStore
{
    private const string ExperimentColumns =
        "e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time";

    public async Task<ExperimentInfo?> LoadExperimentAsync(string experimentId, CancellationToken ct = default)
    {
        await using var connection = await OpenReadAsync(ct).ConfigureAwait(false);
        var list = await ReadExperimentsAsync(connection, $"SELECT {ExperimentColumns} FROM experiments e WHERE e.workspace = @w AND e.experiment_id = @id",
            new[] { ("@w", (object?)Workspace), ("@id", ParseId(experimentId)) }, ct).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public async Task WriteExperimentAsync(ExperimentInfo experiment, bool isNew, CancellationToken ct = default)
    {
        try
        {
            await WriteAsync(async (c, tx, token) =>
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
        catch (Exception e) when (IsUniqueViolation(e))
        {
            throw MlopsException.Exists($"an experiment named '{experiment.Name}' already exists");
        }
    }

    public async Task<string?> FindExperimentIdAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command("SELECT experiment_id FROM experiments WHERE workspace = @w AND name = @n")
            .With(("@w", Workspace), ("@n", name));
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
}
