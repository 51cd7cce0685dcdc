using System.Data.Common;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Catalog.Registry;

/// <summary>
/// The model registry (models, versions, aliases, promotions) over a <see cref="CatalogDatabase"/>; loads and writes
/// here, searches in <c>SqlRegistryStore.Search.cs</c>.
/// </summary>
public sealed partial class SqlRegistryStore(CatalogDatabase db) : IRegistryStore
{
    private const string Workspace = CatalogDatabase.Workspace;

    private const string VersionColumns =
        "v.model_id, v.version, v.creation_time, v.last_updated_time, v.user_id, v.stage, v.description, v.source, v.run_id, " +
        "v.run_link, v.status, v.status_message, v.storage_location, v.digest";

    private readonly CatalogDatabase _db = db;

    public async Task<RegistryState?> LoadModelAsync(string modelId, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var models = await ReadModelRowsAsync(c, "m.model_id = @p0", [modelId], ct).ConfigureAwait(false);
        if (models.Count == 0) return null;
        var model = models[0];
        var tags = (await ReadModelTagsAsync(c, [modelId], ct).ConfigureAwait(false)).GetValueOrDefault(modelId) ?? new(StringComparer.Ordinal);
        var versions = new SortedDictionary<long, ModelVersionInfo>();
        foreach (var (_, v) in await ReadVersionsAsync(c, "v.model_id = @p0", [modelId], "v.version", ct).ConfigureAwait(false)) versions[v.Version] = v;
        var aliases = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = c.Command("SELECT alias, version FROM model_aliases WHERE workspace = @w AND model_id = @m").With(("@w", Workspace), ("@m", modelId)))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) aliases[reader.GetString(0)] = reader.GetInt64(1);
        }
        var promotions = new List<PromotionRecord>();
        await using (var command = c.Command("SELECT seq, alias, from_version, to_version, metric, candidate_value, holder_value, decision, reason, user_id, at " +
            "FROM model_promotions WHERE workspace = @w AND model_id = @m ORDER BY seq").With(("@w", Workspace), ("@m", modelId)))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                promotions.Add(new PromotionRecord(reader.GetInt64(0), reader.GetString(1), reader.NullableInt64(2), reader.GetInt64(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetDouble(5), reader.IsDBNull(6) ? null : reader.GetDouble(6),
                    (PromotionDecision)Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetString(8), reader.GetString(9), reader.GetInt64(10)));
        }
        // Deleted versions leave holes: the next number continues after the highest ever stored for the model.
        long last;
        await using (var command = c.Command("SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE workspace = @w AND model_id = @m").With(("@w", Workspace), ("@m", modelId)))
        {
            last = Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        return new RegistryState(model, tags, versions, aliases, promotions, last);
    }

    public async Task WriteModelAsync(ModelWrite write, CancellationToken ct = default)
    {
        try
        {
            await _db.WriteAsync(async (c, tx, token) =>
            {
                await ApplyModelWriteAsync(c, tx, write, token).ConfigureAwait(false);
                return 0;
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (_db.IsUniqueViolation(e))
        {
            throw write.VersionInserts.Count > 0
                ? MlopsException.Exists($"version {write.VersionInserts[0].Version} of model '{write.VersionInserts[0].ModelName}' was already registered; retry")
                : MlopsException.Exists($"Registered Model (name={write.Model?.Name}) already exists.");
        }
    }

    private async Task ApplyModelWriteAsync(DbConnection c, DbTransaction tx, ModelWrite w, CancellationToken token)
    {
        var id = w.ModelId;
        if (w.DeleteModel)
        {
            foreach (var table in new[] { "registered_model_tags", "model_version_tags", "model_aliases", "model_version_files", "model_promotions", "model_versions", "registered_models" })
                await c.ExecAsync(tx, $"DELETE FROM {table} WHERE workspace = @w AND model_id = @m", token, ("@w", Workspace), ("@m", id)).ConfigureAwait(false);
            return;
        }
        if (w.Model is { } m)
        {
            await c.ExecAsync(tx, w.IsNew
                ? "INSERT INTO registered_models (workspace, model_id, name, description, user_id, creation_time, last_updated_time) VALUES (@w, @m, @n, @d, @u, @c, @t)"
                : "UPDATE registered_models SET name = @n, description = @d, user_id = @u, last_updated_time = @t WHERE workspace = @w AND model_id = @m AND creation_time = @c",
                token, ("@w", Workspace), ("@m", id), ("@n", m.Name), ("@d", m.Description), ("@u", m.UserId), ("@c", m.CreationTime), ("@t", m.LastUpdatedTime)).ConfigureAwait(false);
        }
        foreach (var (k, v) in w.TagUpserts)
            await c.ExecAsync(tx, "INSERT INTO registered_model_tags (workspace, model_id, key, value) VALUES (@w, @m, @k, @v) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
                token, ("@w", Workspace), ("@m", id), ("@k", k), ("@v", v)).ConfigureAwait(false);
        foreach (var k in w.TagDeletes)
            await c.ExecAsync(tx, "DELETE FROM registered_model_tags WHERE workspace = @w AND model_id = @m AND key = @k", token, ("@w", Workspace), ("@m", id), ("@k", k)).ConfigureAwait(false);
        foreach (var v in w.VersionInserts) await WriteVersionAsync(c, tx, id, v, insert: true, token).ConfigureAwait(false);
        foreach (var v in w.VersionUpdates) await WriteVersionAsync(c, tx, id, v, insert: false, token).ConfigureAwait(false);
        foreach (var version in w.VersionDeletes)
        {
            foreach (var table in new[] { "model_version_tags", "model_version_files", "model_versions" })
                await c.ExecAsync(tx, $"DELETE FROM {table} WHERE workspace = @w AND model_id = @m AND version = @v", token, ("@w", Workspace), ("@m", id), ("@v", version)).ConfigureAwait(false);
            await c.ExecAsync(tx, "DELETE FROM model_aliases WHERE workspace = @w AND model_id = @m AND version = @v", token, ("@w", Workspace), ("@m", id), ("@v", version)).ConfigureAwait(false);
        }
        foreach (var (version, f) in w.VersionFiles)
            await c.ExecAsync(tx, "INSERT INTO model_version_files (workspace, model_id, version, path, size, sha256) VALUES (@w, @m, @v, @p, @s, @h)", token,
                ("@w", Workspace), ("@m", id), ("@v", version), ("@p", f.Path), ("@s", f.Size), ("@h", f.Sha256)).ConfigureAwait(false);
        foreach (var (alias, version) in w.AliasUpserts)
            await c.ExecAsync(tx, "INSERT INTO model_aliases (workspace, model_id, alias, version) VALUES (@w, @m, @a, @v) ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version",
                token, ("@w", Workspace), ("@m", id), ("@a", alias), ("@v", version)).ConfigureAwait(false);
        foreach (var alias in w.AliasDeletes)
            await c.ExecAsync(tx, "DELETE FROM model_aliases WHERE workspace = @w AND model_id = @m AND alias = @a", token, ("@w", Workspace), ("@m", id), ("@a", alias)).ConfigureAwait(false);
        foreach (var p in w.Promotions)
            await c.ExecAsync(tx, "INSERT INTO model_promotions (workspace, model_id, seq, alias, from_version, to_version, metric, candidate_value, holder_value, decision, reason, user_id, at) " +
                "VALUES (@w, @m, @s, @a, @f, @t, @metric, @cv, @hv, @d, @r, @u, @at)", token,
                ("@w", Workspace), ("@m", id), ("@s", p.Sequence), ("@a", p.Alias), ("@f", p.FromVersion), ("@t", p.ToVersion), ("@metric", p.Metric),
                ("@cv", p.CandidateValue is { } cv && !double.IsNaN(cv) ? cv : null), ("@hv", p.HolderValue is { } hv && !double.IsNaN(hv) ? hv : null),
                ("@d", (int)p.Decision), ("@r", p.Reason), ("@u", p.UserId), ("@at", p.Timestamp)).ConfigureAwait(false);
    }

    private async Task WriteVersionAsync(DbConnection c, DbTransaction tx, string modelId, ModelVersionInfo v, bool insert, CancellationToken token)
    {
        await c.ExecAsync(tx, insert
            ? "INSERT INTO model_versions (workspace, model_id, version, creation_time, last_updated_time, user_id, stage, description, source, run_id, run_link, status, status_message, storage_location, digest) " +
              "VALUES (@w, @m, @v, @c, @t, @u, @st, @d, @src, @run, @link, @status, @msg, @loc, @dig)"
            : "UPDATE model_versions SET last_updated_time = @t, stage = @st, description = @d, status = @status, status_message = @msg, storage_location = @loc, digest = @dig " +
              "WHERE workspace = @w AND model_id = @m AND version = @v AND creation_time = @c AND user_id = @u AND source = @src AND run_id = @run AND run_link = @link",
            token, ("@w", Workspace), ("@m", modelId), ("@v", v.Version), ("@c", v.CreationTime), ("@t", v.LastUpdatedTime), ("@u", v.UserId),
            ("@st", (int)v.Stage), ("@d", v.Description), ("@src", v.Source), ("@run", v.RunId), ("@link", v.RunLink), ("@status", (int)v.Status),
            ("@msg", v.StatusMessage), ("@loc", v.StorageLocation), ("@dig", v.Digest)).ConfigureAwait(false);
        await c.ExecAsync(tx, "DELETE FROM model_version_tags WHERE workspace = @w AND model_id = @m AND version = @v", token, ("@w", Workspace), ("@m", modelId), ("@v", v.Version)).ConfigureAwait(false);
        foreach (var (k, value) in v.Tags)
            await c.ExecAsync(tx, "INSERT INTO model_version_tags (workspace, model_id, version, key, value) VALUES (@w, @m, @v, @k, @val)", token,
                ("@w", Workspace), ("@m", modelId), ("@v", v.Version), ("@k", k), ("@val", value)).ConfigureAwait(false);
    }

    public async Task<string?> FindModelIdAsync(string name, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = c.Command("SELECT model_id FROM registered_models WHERE workspace = @w AND name = @n").With(("@w", Workspace), ("@n", name));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyList<ModelVersionInfo>> VersionsForRunAsync(string runId, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        return (await ReadVersionsAsync(c, "v.run_id = @p0", [runId], "v.model_id, v.version", ct).ConfigureAwait(false)).Select(v => v.Info).ToList();
    }

    private async Task<List<ModelRow>> ReadModelRowsAsync(DbConnection c, string where, IReadOnlyList<object?> args, CancellationToken ct)
    {
        await using var command = c.Command($"SELECT m.model_id, m.name, m.description, m.creation_time, m.last_updated_time, m.user_id FROM registered_models m WHERE m.workspace = '{Workspace}' AND {where}");
        for (var i = 0; i < args.Count; i++) command.AddParameter($"@p{i}", args[i]);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<ModelRow>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new ModelRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5)));
        return result;
    }

    private async Task<Dictionary<string, Dictionary<string, string>>> ReadModelTagsAsync(DbConnection c, IReadOnlyList<string> modelIds, CancellationToken ct)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (modelIds.Count == 0) return result;
        var p = new SqlParameters();
        await using var command = c.Command($"SELECT model_id, key, value FROM registered_model_tags WHERE workspace = '{Workspace}' AND model_id IN ({string.Join(", ", modelIds.Select(p.Add))})");
        p.ApplyTo(command);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (!result.TryGetValue(id, out var tags)) result[id] = tags = new(StringComparer.Ordinal);
            tags[reader.GetString(1)] = reader.GetString(2);
        }
        return result;
    }

    /// <summary>Versions with their tags and aliases and their model's current name.</summary>
    private async Task<List<(string ModelId, ModelVersionInfo Info)>> ReadVersionsAsync(DbConnection c, string where, IReadOnlyList<object?> args, string orderBy, CancellationToken ct)
    {
        var rows = new List<(string ModelId, string Name, ModelVersionInfo Info)>();
        await using (var command = c.Command($"SELECT {VersionColumns}, m.name FROM model_versions v JOIN registered_models m ON m.model_id = v.model_id " +
            $"WHERE v.workspace = '{Workspace}' AND {where} ORDER BY {orderBy}"))
        {
            for (var i = 0; i < args.Count; i++) command.AddParameter($"@p{i}", args[i]);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add((reader.GetString(0), reader.GetString(14), ReadVersion(reader)));
        }
        if (rows.Count == 0) return [];
        var keys = rows.Select(r => (r.ModelId, r.Info.Version)).ToHashSet();
        var tags = new Dictionary<(string, long), Dictionary<string, string>>();
        var aliases = new Dictionary<(string, long), List<string>>();
        var models = rows.Select(r => r.ModelId).Distinct().ToList();
        var p = new SqlParameters();
        var inList = string.Join(", ", models.Select(p.Add));
        await using (var command = c.Command($"SELECT model_id, version, key, value FROM model_version_tags WHERE workspace = '{Workspace}' AND model_id IN ({inList})"))
        {
            p.ApplyTo(command);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var key = (reader.GetString(0), reader.GetInt64(1));
                if (!keys.Contains(key)) continue;
                if (!tags.TryGetValue(key, out var t)) tags[key] = t = new(StringComparer.Ordinal);
                t[reader.GetString(2)] = reader.GetString(3);
            }
        }
        await using (var command = c.Command($"SELECT model_id, version, alias FROM model_aliases WHERE workspace = '{Workspace}' AND model_id IN ({inList}) ORDER BY alias"))
        {
            p.ApplyTo(command);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var key = (reader.GetString(0), reader.GetInt64(1));
                if (!aliases.TryGetValue(key, out var a)) aliases[key] = a = [];
                a.Add(reader.GetString(2));
            }
        }
        return rows.Select(r => (r.ModelId, r.Info with
        {
            ModelName = r.Name,
            Tags = tags.GetValueOrDefault((r.ModelId, r.Info.Version)) ?? new Dictionary<string, string>(),
            Aliases = aliases.GetValueOrDefault((r.ModelId, r.Info.Version)) ?? [],
        })).ToList();
    }

    private static ModelVersionInfo ReadVersion(DbDataReader r) => new(
        "", r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4),
        (ModelStage)Convert.ToInt32(r.GetValue(5), System.Globalization.CultureInfo.InvariantCulture), r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9),
        (ModelVersionStatus)Convert.ToInt32(r.GetValue(10), System.Globalization.CultureInfo.InvariantCulture), r.GetString(11),
        new Dictionary<string, string>(), [], r.GetString(12), r.GetString(13));
}
