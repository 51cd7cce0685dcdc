using System.Data.Common;
using System.Text.Json;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Tracking;

public sealed partial class SqlTrackingStore
{
    private const string RunColumns =
        "r.run_id, r.experiment_id, r.run_name, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage, r.parent_run_id";

    /// <summary>Context tag MLflow clients set on a dataset input; kept in its own column so searches can use it.</summary>
    public const string DatasetContextTag = "mlflow.data.context";

    public async Task<RunState?> LoadRunAsync(string runId, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        RunInfo? info = null;
        await using (var command = c.Command($"SELECT {RunColumns} FROM runs r WHERE r.workspace = @w AND r.run_id = @r").With(("@w", Workspace), ("@r", runId)))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(ct).ConfigureAwait(false)) info = ReadRunInfo(reader);
        }
        if (info is null) return null;
        var runs = new[] { runId };
        var details = await LoadRunDetailsAsync(c, runs, ct).ConfigureAwait(false);
        var cursors = new Dictionary<string, ulong>(StringComparer.Ordinal);
        await using (var command = c.Command("SELECT writer_id, batch_sequence FROM ingest_cursors WHERE workspace = @w AND run_id = @r").With(("@w", Workspace), ("@r", runId)))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) cursors[reader.GetString(0)] = (ulong)reader.GetInt64(1);
        }
        long lastSequence;
        await using (var command = c.Command("SELECT MAX(seq) FROM metrics WHERE workspace = @w AND run_id = @r").With(("@w", Workspace), ("@r", runId)))
        {
            var max = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            lastSequence = max is null or DBNull ? 0 : Convert.ToInt64(max, System.Globalization.CultureInfo.InvariantCulture);
        }
        var d = details[runId];
        return new RunState(info, d.Params, d.Tags, d.Latest.ToDictionary(m => m.Key, StringComparer.Ordinal), d.Inputs, d.Models, cursors, lastSequence);
    }

    public Task<IReadOnlyList<SequencedMetric>> WriteRunAsync(RunWrite write, CancellationToken ct = default) =>
        _db.WriteAsync<IReadOnlyList<SequencedMetric>>(async (c, tx, token) =>
        {
            var w = write;
            if (w.Info is { } info)
            {
                try
                {
                    await c.ExecAsync(tx, w.IsNew
                        ? "INSERT INTO runs (workspace, run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, parent_run_id) " +
                          "VALUES (@w, @r, @e, @name, @user, @status, @start, @end, @uri, @stage, @parent)"
                        : "UPDATE runs SET run_name = @name, user_id = @user, status = @status, start_time = @start, end_time = @end, " +
                          "artifact_uri = @uri, lifecycle_stage = @stage, parent_run_id = @parent WHERE workspace = @w AND run_id = @r AND experiment_id = @e",
                        token, ("@w", Workspace), ("@r", w.RunId), ("@e", ParseId(info.ExperimentId)), ("@name", info.RunName), ("@user", info.UserId),
                        ("@status", (int)info.Status), ("@start", info.StartTime), ("@end", info.EndTime), ("@uri", info.ArtifactUri),
                        ("@stage", (int)info.LifecycleStage), ("@parent", info.ParentRunId)).ConfigureAwait(false);
                }
                catch (Exception e) when (w.IsNew && _db.IsUniqueViolation(e))
                {
                    throw MlopsException.Exists($"run '{w.RunId}' already exists");
                }
            }
            foreach (var (key, value) in w.NewParams)
            {
                try
                {
                    await c.ExecAsync(tx, "INSERT INTO run_params (workspace, run_id, key, value) VALUES (@w, @r, @k, @v)", token,
                        ("@w", Workspace), ("@r", w.RunId), ("@k", key), ("@v", value)).ConfigureAwait(false);
                }
                catch (Exception e) when (_db.IsUniqueViolation(e))
                {
                    throw MlopsException.Invalid("params", $"param '{key}' was already logged for run '{w.RunId}'; params are immutable");
                }
            }
            foreach (var (key, value) in w.TagUpserts)
            {
                await c.ExecAsync(tx, "INSERT INTO run_tags (workspace, run_id, key, value) VALUES (@w, @r, @k, @v) " +
                    "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value", token,
                    ("@w", Workspace), ("@r", w.RunId), ("@k", key), ("@v", value)).ConfigureAwait(false);
            }
            foreach (var key in w.TagDeletes)
            {
                await c.ExecAsync(tx, "DELETE FROM run_tags WHERE workspace = @w AND run_id = @r AND key = @k", token,
                    ("@w", Workspace), ("@r", w.RunId), ("@k", key)).ConfigureAwait(false);
            }
            IReadOnlyList<SequencedMetric> inserted = w.Metrics.Count == 0
                ? []
                : await _db.InsertMetricsAsync(c, tx, w.RunId, w.Metrics, token).ConfigureAwait(false);
            foreach (var m in w.LatestUpserts)
            {
                // The experiment is read from the run's row (written before, or earlier in this transaction) so the
                // experiment-scoped metric index never depends on what a caller passed.
                await c.ExecAsync(tx, "INSERT INTO latest_metrics (workspace, run_id, experiment_id, key, value, value_bits, step, timestamp) " +
                    "VALUES (@w, @r, (SELECT experiment_id FROM runs WHERE run_id = @r), @k, @v, @b, @s, @t) " +
                    "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, value_bits = excluded.value_bits, step = excluded.step, timestamp = excluded.timestamp",
                    token, ("@w", Workspace), ("@r", w.RunId), ("@k", m.Key), ("@v", SearchableValue(m.Value)),
                    ("@b", BitConverter.DoubleToInt64Bits(m.Value)), ("@s", m.Step), ("@t", m.Timestamp)).ConfigureAwait(false);
            }
            foreach (var d in w.NewInputs)
            {
                await c.ExecAsync(tx, "INSERT INTO run_inputs (workspace, run_id, name, digest, source_type, source, schema, profile, context, tags_json, logged_at) " +
                    "VALUES (@w, @r, @n, @d, @st, @s, @sc, @p, @ctx, @tags, @at) ON CONFLICT (run_id, name, digest) DO NOTHING", token,
                    ("@w", Workspace), ("@r", w.RunId), ("@n", d.Name), ("@d", d.Digest), ("@st", d.SourceType), ("@s", d.Source),
                    ("@sc", d.Schema), ("@p", d.Profile), ("@ctx", d.Tags.TryGetValue(DatasetContextTag, out var ctx) ? ctx : ""),
                    ("@tags", JsonSerializer.Serialize(d.Tags)), ("@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            }
            foreach (var link in w.NewModelLinks)
            {
                await c.ExecAsync(tx, "INSERT INTO run_model_links (workspace, run_id, model_id, is_output, step) VALUES (@w, @r, @m, @o, @s) " +
                    "ON CONFLICT (run_id, is_output, model_id) DO NOTHING", token,
                    ("@w", Workspace), ("@r", w.RunId), ("@m", link.ModelId), ("@o", link.IsOutput), ("@s", link.Step)).ConfigureAwait(false);
            }
            if (w.IngestCursor is { } cursor)
            {
                await c.ExecAsync(tx, "INSERT INTO ingest_cursors (workspace, run_id, writer_id, batch_sequence) VALUES (@w, @r, @id, @s) " +
                    "ON CONFLICT (run_id, writer_id) DO UPDATE SET batch_sequence = excluded.batch_sequence", token,
                    ("@w", Workspace), ("@r", w.RunId), ("@id", cursor.WriterId), ("@s", (long)cursor.Sequence)).ConfigureAwait(false);
            }
            return inserted;
        }, ct);

    public async Task<IReadOnlyList<SequencedMetric>> ReadMetricsSinceAsync(string runId, long afterSequence, int limit, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = c.Command("SELECT seq, key, step, timestamp, value_bits FROM metrics WHERE workspace = @w AND run_id = @r AND seq > @a ORDER BY seq LIMIT @l")
            .With(("@w", Workspace), ("@r", runId), ("@a", afterSequence), ("@l", limit));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<SequencedMetric>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new(reader.GetInt64(0), new MetricPoint(reader.GetString(1), BitConverter.Int64BitsToDouble(reader.GetInt64(4)), reader.GetInt64(3), reader.GetInt64(2))));
        return result;
    }

    public async Task<IReadOnlyList<MetricPoint>> ReadMetricHistoryAsync(string runId, string key, long? startStep, long? endStep,
        HistoryCursor? after, int limit, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var sql = "SELECT step, timestamp, value_bits FROM metrics WHERE workspace = @w AND run_id = @r AND key = @k" +
            (startStep is null ? "" : " AND step >= @s0") + (endStep is null ? "" : " AND step <= @s1") +
            (after is null ? "" : " AND (step, timestamp, value_bits) > (@cs, @ct, @cb)") +
            " ORDER BY step, timestamp, value_bits LIMIT @l";
        await using var command = c.Command(sql).With(("@w", Workspace), ("@r", runId), ("@k", key), ("@l", limit));
        if (startStep is { } s0) command.AddParameter("@s0", s0);
        if (endStep is { } s1) command.AddParameter("@s1", s1);
        if (after is { } a) command.With(("@cs", a.Step), ("@ct", a.Timestamp), ("@cb", a.ValueBits));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<MetricPoint>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new MetricPoint(key, BitConverter.Int64BitsToDouble(reader.GetInt64(2)), reader.GetInt64(1), reader.GetInt64(0)));
        return result;
    }

    public async Task<IReadOnlyList<string>> ListRunIdsAsync(string experimentId, LifecycleStage stage, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = c.Command("SELECT run_id FROM runs WHERE workspace = @w AND experiment_id = @e AND lifecycle_stage = @s ORDER BY run_id")
            .With(("@w", Workspace), ("@e", ParseId(experimentId)), ("@s", (int)stage));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) ids.Add(reader.GetString(0));
        return ids;
    }

    private static RunInfo ReadRunInfo(DbDataReader reader) => new(
        reader.GetString(0), IdText(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
        (RunStatus)Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(5), reader.NullableInt64(6),
        reader.GetString(7), (LifecycleStage)Convert.ToInt32(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture), reader.NullableString(9));

    private sealed record RunDetails(Dictionary<string, string> Params, Dictionary<string, string> Tags, List<MetricPoint> Latest, List<DatasetInput> Inputs, List<RunModelLink> Models);

    /// <summary>
    /// Params, tags, latest metrics, inputs and model links of many runs: five statements sent as one command, so PostgreSQL answers
    /// them in one round trip (a search's page paid one per table before; SQLite runs them in turn either way).
    /// </summary>
    private async Task<Dictionary<string, RunDetails>> LoadRunDetailsAsync(DbConnection c, IReadOnlyCollection<string> runIds, CancellationToken ct)
    {
        var result = runIds.ToDictionary(id => id, _ => new RunDetails(new(StringComparer.Ordinal), new(StringComparer.Ordinal), [], [], []), StringComparer.Ordinal);
        if (runIds.Count == 0) return result;
        var p = new SqlParameters();
        var ids = string.Join(", ", runIds.Select(p.Add));
        var where = $"WHERE workspace = '{Workspace}' AND run_id IN ({ids})";
        await using var command = c.Command(
            $"SELECT run_id, key, value FROM run_params {where}; " +
            $"SELECT run_id, key, value FROM run_tags {where}; " +
            $"SELECT run_id, key, value_bits, step, timestamp FROM latest_metrics {where} ORDER BY key; " +
            $"SELECT run_id, name, digest, source_type, source, schema, profile, tags_json FROM run_inputs {where} ORDER BY logged_at, name, digest; " +
            $"SELECT run_id, model_id, is_output, step FROM run_model_links {where} ORDER BY model_id");
        p.ApplyTo(command);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        async Task Each(Action<DbDataReader, RunDetails> read)
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) read(reader, result[reader.GetString(0)]);
            await reader.NextResultAsync(ct).ConfigureAwait(false);
        }
        await Each((r, d) => d.Params[r.GetString(1)] = r.GetString(2)).ConfigureAwait(false);
        await Each((r, d) => d.Tags[r.GetString(1)] = r.GetString(2)).ConfigureAwait(false);
        await Each((r, d) => d.Latest.Add(new MetricPoint(r.GetString(1), BitConverter.Int64BitsToDouble(r.GetInt64(2)), r.GetInt64(4), r.GetInt64(3)))).ConfigureAwait(false);
        await Each((r, d) => d.Inputs.Add(new DatasetInput(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
            JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7)) ?? []))).ConfigureAwait(false);
        await Each((r, d) => d.Models.Add(new RunModelLink(r.GetString(1), r.GetBoolean(2), r.NullableInt64(3)))).ConfigureAwait(false);
        return result;
    }
}
