using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Catalog.Features;

/// <summary>Feature definitions, their applies and training sets over a <see cref="CatalogDatabase"/>.</summary>
public sealed class SqlFeatureCatalog(CatalogDatabase db) : IFeatureCatalog
{
    private const string Workspace = CatalogDatabase.Workspace;

    private const string DefinitionColumns = "kind, name, version, digest, spec, created_at, updated_at, removed_at, revision";

    private const string DatasetColumns =
        "name, version, artifact_key, digest, row_count, size_bytes, schema, lineage, request, created_at";

    private readonly CatalogDatabase _db = db;

    public async Task<long> CurrentRevisionAsync(CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        return await ReadRevisionAsync(c, null, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DefinitionVersion>> LatestDefinitionsAsync(bool includeRemoved, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var sql = $"SELECT {DefinitionColumns} FROM feature_definitions d WHERE workspace = @w AND version = " +
                  "(SELECT MAX(version) FROM feature_definitions x WHERE x.workspace = d.workspace AND x.kind = d.kind AND x.name = d.name)" +
                  (includeRemoved ? "" : " AND removed_at IS NULL") + " ORDER BY kind, name";
        return await ReadDefinitionsAsync(c, sql, ct, ("@w", Workspace)).ConfigureAwait(false);
    }

    public async Task<DefinitionVersion?> GetDefinitionAsync(DefinitionKind kind, string name, int? version, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var sql = version is null
            ? $"SELECT {DefinitionColumns} FROM feature_definitions WHERE workspace = @w AND kind = @k AND name = @n ORDER BY version DESC LIMIT 1"
            : $"SELECT {DefinitionColumns} FROM feature_definitions WHERE workspace = @w AND kind = @k AND name = @n AND version = @v";
        var rows = await ReadDefinitionsAsync(c, sql, ct, ("@w", Workspace), ("@k", (int)kind), ("@n", name), ("@v", version ?? 0)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<DefinitionVersion>> ListVersionsAsync(DefinitionKind kind, string name, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        return await ReadDefinitionsAsync(c,
            $"SELECT {DefinitionColumns} FROM feature_definitions WHERE workspace = @w AND kind = @k AND name = @n ORDER BY version", ct,
            ("@w", Workspace), ("@k", (int)kind), ("@n", name)).ConfigureAwait(false);
    }

    public Task<long> ApplyDefinitionsAsync(long expectedRevision, IReadOnlyList<DefinitionWrite> writes, string userId, string changesJson,
        CancellationToken ct = default) => _db.WriteAsync(async (c, tx, token) =>
    {
        var current = await ReadRevisionAsync(c, tx, token).ConfigureAwait(false);
        if (current != expectedRevision)
        {
            throw MlopsException.Precondition(
                $"the feature repository changed since the plan (revision {expectedRevision} planned, {current} now): plan again");
        }
        var revision = current + 1;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var w in writes)
        {
            await ApplyDefinitionWriteAsync(c, tx, w, revision, now, token).ConfigureAwait(false);
        }
        await c.ExecAsync(tx, "INSERT INTO feature_applies (workspace, revision, applied_at, user_id, changes) VALUES (@w, @r, @t, @u, @c)", token,
            ("@w", Workspace), ("@r", revision), ("@t", now), ("@u", userId), ("@c", changesJson)).ConfigureAwait(false);
        return revision;
    }, ct);

    private async Task ApplyDefinitionWriteAsync(DbConnection c, DbTransaction tx, DefinitionWrite w, long revision, long now, CancellationToken ct)
    {
        var key = new (string, object?)[] { ("@w", Workspace), ("@k", (int)w.Kind), ("@n", w.Name), ("@v", w.Version) };
        switch (w.Action)
        {
            case PlanAction.Create:
            case PlanAction.NewVersion:
                // A re-created object continues its version numbers; the earlier removal mark stays on the older row.
                await c.ExecAsync(tx, "INSERT INTO feature_definitions (workspace, kind, name, version, digest, spec, created_at, updated_at, removed_at, revision) " +
                    "VALUES (@w, @k, @n, @v, @d, @s, @t, @t, NULL, @r)", ct,
                    [.. key, ("@d", w.Digest), ("@s", w.SpecJson), ("@t", now), ("@r", revision)]).ConfigureAwait(false);
                break;
            case PlanAction.Update:
                await RequireOneAsync(await c.ExecAsync(tx, "UPDATE feature_definitions SET spec = @s, updated_at = @t, revision = @r " +
                    "WHERE workspace = @w AND kind = @k AND name = @n AND version = @v AND removed_at IS NULL", ct,
                    [.. key, ("@s", w.SpecJson), ("@t", now), ("@r", revision)]).ConfigureAwait(false), w).ConfigureAwait(false);
                break;
            case PlanAction.Remove:
                await RequireOneAsync(await c.ExecAsync(tx, "UPDATE feature_definitions SET removed_at = @t, updated_at = @t, revision = @r " +
                    "WHERE workspace = @w AND kind = @k AND name = @n AND version = @v AND removed_at IS NULL", ct,
                    [.. key, ("@t", now), ("@r", revision)]).ConfigureAwait(false), w).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(w), w.Action, "not a write");
        }
    }

    private static Task RequireOneAsync(int affected, DefinitionWrite w) => affected == 1
        ? Task.CompletedTask
        : throw MlopsException.Precondition($"{DefinitionKinds.YamlName(w.Kind)} '{w.Name}' version {w.Version} changed under the apply: plan again");

    public async Task<TrainingDatasetInfo> AddTrainingDatasetAsync(TrainingDatasetInfo candidate, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _db.WriteAsync(async (c, tx, token) =>
                {
                    var existing = await ReadDatasetsAsync(c, tx, $"SELECT {DatasetColumns} FROM training_datasets WHERE workspace = @w AND name = @n AND digest = @d",
                        token, ("@w", Workspace), ("@n", candidate.Name), ("@d", candidate.Digest)).ConfigureAwait(false);
                    if (existing.Count > 0) return existing[0];
                    await using var max = c.Command("SELECT COALESCE(MAX(version), 0) FROM training_datasets WHERE workspace = @w AND name = @n", tx)
                        .With(("@w", Workspace), ("@n", candidate.Name));
                    var version = Convert.ToInt32(await max.ExecuteScalarAsync(token).ConfigureAwait(false), CultureInfo.InvariantCulture) + 1;
                    var stored = candidate with { Version = version };
                    await c.ExecAsync(tx, $"INSERT INTO training_datasets (workspace, {DatasetColumns}) VALUES (@w, @n, @v, @k, @d, @rc, @sz, @sc, @l, @rq, @t)", token,
                        ("@w", Workspace), ("@n", stored.Name), ("@v", version), ("@k", stored.ArtifactKey), ("@d", stored.Digest), ("@rc", stored.RowCount),
                        ("@sz", stored.SizeBytes), ("@sc", JsonSerializer.Serialize(stored.Schema)), ("@l", JsonSerializer.Serialize(stored.Lineage)),
                        ("@rq", stored.RequestJson), ("@t", stored.CreatedAt)).ConfigureAwait(false);
                    return stored;
                }, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < 3 && _db.IsUniqueViolation(e))
            {
                // Two silos numbered the same version at once (PostgreSQL); the loser reads again and takes the next number.
            }
        }
    }

    public async Task<TrainingDatasetInfo?> GetTrainingDatasetAsync(string name, int? version, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var sql = version is null
            ? $"SELECT {DatasetColumns} FROM training_datasets WHERE workspace = @w AND name = @n ORDER BY version DESC LIMIT 1"
            : $"SELECT {DatasetColumns} FROM training_datasets WHERE workspace = @w AND name = @n AND version = @v";
        var rows = await ReadDatasetsAsync(c, null, sql, ct, ("@w", Workspace), ("@n", name), ("@v", version ?? 0)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<TrainingDatasetInfo>> ListTrainingDatasetsAsync(string name, int limit, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var sql = $"SELECT {DatasetColumns} FROM training_datasets WHERE workspace = @w" + (name.Length == 0 ? "" : " AND name = @n") +
                  " ORDER BY created_at DESC, name, version DESC LIMIT @l";
        return await ReadDatasetsAsync(c, null, sql, ct, ("@w", Workspace), ("@n", name), ("@l", limit)).ConfigureAwait(false);
    }

    private static async Task<long> ReadRevisionAsync(DbConnection c, DbTransaction? tx, CancellationToken ct)
    {
        await using var command = c.Command("SELECT COALESCE(MAX(revision), 0) FROM feature_applies WHERE workspace = @w", tx).With(("@w", Workspace));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlyList<DefinitionVersion>> ReadDefinitionsAsync(DbConnection c, string sql, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        var result = new List<DefinitionVersion>();
        await using var command = c.Command(sql).With(parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new DefinitionVersion((DefinitionKind)Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1),
                Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
                reader.GetInt64(6), !reader.IsDBNull(7), reader.GetInt64(8)));
        }
        return result;
    }

    private static async Task<IReadOnlyList<TrainingDatasetInfo>> ReadDatasetsAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        var result = new List<TrainingDatasetInfo>();
        await using var command = c.Command(sql, tx).With(parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new TrainingDatasetInfo(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetString(2),
                reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5),
                JsonSerializer.Deserialize<List<FieldSpec>>(reader.GetString(6)) ?? [],
                JsonSerializer.Deserialize<List<DefinitionRef>>(reader.GetString(7)) ?? [],
                reader.GetString(8), reader.GetInt64(9)));
        }
        return result;
    }
}
