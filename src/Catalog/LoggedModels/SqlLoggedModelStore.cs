using System.Data.Common;
using CultureInfo = System.Globalization.CultureInfo;
using MlOps.Orleans.Catalog.Search;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using static MlOps.Orleans.Catalog.Search.FilterSql;

namespace MlOps.Orleans.Catalog.LoggedModels;

/// <summary>Logged models over a <see cref="CatalogDatabase"/>: loads, writes and MLflow 3's logged-model search.</summary>
public sealed class SqlLoggedModelStore(CatalogDatabase db) : ILoggedModelStore
{
    private const string Workspace = CatalogDatabase.Workspace;

    private const string Columns =
        "lm.model_id, lm.experiment_id, lm.name, lm.source_run_id, lm.model_type, lm.status, lm.status_message, lm.creation_time, " +
        "lm.last_updated_time, lm.artifact_root, lm.lifecycle_stage";

    public async Task<LoggedModelInfo?> LoadAsync(string modelId, CancellationToken ct = default)
    {
        await using var c = await db.OpenReadAsync(ct).ConfigureAwait(false);
        var models = await ReadAsync(c, [modelId], ct).ConfigureAwait(false);
        return models.Count == 0 ? null : models[0];
    }

    public Task WriteAsync(LoggedModelWrite write, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx, token) =>
        {
            var m = write.Model;
            await c.ExecAsync(tx, write.IsNew
                    ? "INSERT INTO logged_models (workspace, model_id, experiment_id, name, source_run_id, model_type, status, status_message, " +
                      "creation_time, last_updated_time, artifact_root, lifecycle_stage) VALUES (@w, @m, @e, @n, @r, @t, @s, @sm, @c, @u, @a, @l)"
                    // Only these change after creation; the rest is fixed when the model is created.
                    : "UPDATE logged_models SET status = @s, status_message = @sm, last_updated_time = @u, lifecycle_stage = @l WHERE workspace = @w AND model_id = @m",
                token, ("@w", Workspace), ("@m", m.ModelId), ("@e", long.Parse(m.ExperimentId, CultureInfo.InvariantCulture)), ("@n", m.Name),
                ("@r", m.SourceRunId), ("@t", m.ModelType), ("@s", (int)m.Status), ("@sm", m.StatusMessage), ("@c", m.CreationTime),
                ("@u", m.LastUpdatedTime), ("@a", m.ArtifactRoot), ("@l", (int)m.LifecycleStage)).ConfigureAwait(false);
            var parameters = write.IsNew ? m.Params.ToList() : write.NewParams;
            foreach (var (key, value) in parameters)
                await c.ExecAsync(tx, "INSERT INTO logged_model_params (workspace, model_id, key, value) VALUES (@w, @m, @k, @v)", token,
                    ("@w", Workspace), ("@m", m.ModelId), ("@k", key), ("@v", value)).ConfigureAwait(false);
            var tags = write.IsNew ? m.Tags.ToList() : write.TagUpserts;
            foreach (var (key, value) in tags)
                await c.ExecAsync(tx, "INSERT INTO logged_model_tags (workspace, model_id, key, value) VALUES (@w, @m, @k, @v) " +
                    "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value", token,
                    ("@w", Workspace), ("@m", m.ModelId), ("@k", key), ("@v", value)).ConfigureAwait(false);
            foreach (var x in write.NewMetrics)
                await c.ExecAsync(tx, "INSERT INTO logged_model_metrics (workspace, model_id, run_id, key, step, timestamp, dataset_name, dataset_digest, value, value_bits) " +
                    "VALUES (@w, @m, @r, @k, @s, @t, @dn, @dd, @v, @b) ON CONFLICT (model_id, key, run_id, step, timestamp, dataset_name, dataset_digest) " +
                    "DO UPDATE SET value = excluded.value, value_bits = excluded.value_bits", token,
                    ("@w", Workspace), ("@m", m.ModelId), ("@r", x.RunId), ("@k", x.Key), ("@s", x.Step), ("@t", x.Timestamp), ("@dn", x.DatasetName),
                    ("@dd", x.DatasetDigest), ("@v", double.IsNaN(x.Value) ? null : x.Value), ("@b", BitConverter.DoubleToInt64Bits(x.Value))).ConfigureAwait(false);
            foreach (var key in write.TagDeletes)
                await c.ExecAsync(tx, "DELETE FROM logged_model_tags WHERE workspace = @w AND model_id = @m AND key = @k", token,
                    ("@w", Workspace), ("@m", m.ModelId), ("@k", key)).ConfigureAwait(false);
            return 0;
        }, ct);

    public async Task<LoggedModelsPage> SearchAsync(SearchLoggedModelsQuery query, CancellationToken ct = default)
    {
        var limit = query.MaxResults <= 0 ? TrackingLimits.DefaultSearchLoggedModels : query.MaxResults;
        if (limit > TrackingLimits.MaxSearchLoggedModels)
            throw MlopsException.Invalid("max_results", $"Invalid value {limit} for parameter 'max_results' supplied. It must be at most {TrackingLimits.MaxSearchLoggedModels}, but got value {limit}");
        if (query.ExperimentIds.Count == 0) throw MlopsException.Invalid("experiment_ids", "Missing value for required parameter 'experiment_ids'.");
        foreach (var id in query.ExperimentIds) TrackingValidation.ExperimentId(id, "experiment_ids");
        var filters = SearchFilterParser.ParseLoggedModelFilter(query.Filter);

        var p = new SqlParameters();
        var keys = new List<SortKey>();
        foreach (var (o, i) in query.OrderBy.Select((o, i) => (o, i))) keys.Add(SortKeyOf(o, i, p));
        if (!keys.Any(k => k.Expression == "lm.creation_time")) keys.Add(new SortKey("lm.creation_time", true, SortType.Integer, NotNull: true));
        keys.Add(new SortKey("lm.model_id", false, SortType.Text, NotNull: true));
        var where = new List<string>
        {
            $"lm.workspace = {p.Add(Workspace)}",
            $"lm.experiment_id IN ({string.Join(", ", query.ExperimentIds.Select(e => p.Add(long.Parse(e, CultureInfo.InvariantCulture))))})",
            $"lm.lifecycle_stage = {p.Add((int)LifecycleStage.Active)}",
        };
        foreach (var f in filters) where.Add(FilterSqlOf(f, query.Datasets, p));
        // Datasets narrow the metric filters; with none, they keep the models with any metric on one of them.
        if (query.Datasets.Count > 0 && !filters.Any(f => f.Kind == EntityKind.Metric))
            where.Add($"EXISTS (SELECT 1 FROM logged_model_metrics f WHERE f.model_id = lm.model_id AND {DatasetCondition(query.Datasets, p)})");
        await using var c = await db.OpenReadAsync(ct).ConfigureAwait(false);
        var (ids, next) = await KeysetPage.ReadAsync(c, "logged_models lm", "lm.model_id", where, keys, query.PageToken, limit, p, ct).ConfigureAwait(false);
        var byId = (await ReadAsync(c, ids, ct).ConfigureAwait(false)).ToDictionary(m => m.ModelId, StringComparer.Ordinal);
        return new LoggedModelsPage(ids.Select(i => byId[i]).ToList(), next);
    }

    private static SortKey SortKeyOf(LoggedModelOrder order, int index, SqlParameters p)
    {
        var field = $"order_by[{index}].field_name";
        if (order.FieldName.StartsWith("metrics.", StringComparison.Ordinal))
        {
            var key = order.FieldName["metrics.".Length..];
            if (key.Length == 0) throw MlopsException.Invalid(field, "Invalid order by field name: metrics. names no metric");
            var dataset = order.DatasetName is null ? "" : " AND " + DatasetCondition([new LoggedModelDataset(order.DatasetName, order.DatasetDigest)], p);
            // The model's latest value of the metric (by timestamp, then step), as MLflow orders; models without one sort last.
            return new SortKey($"(SELECT f.value FROM logged_model_metrics f WHERE f.model_id = lm.model_id AND f.key = {p.Add(key)}{dataset} " +
                               "ORDER BY f.timestamp DESC, f.step DESC LIMIT 1)", !order.Ascending, SortType.Real);
        }
        if (order.DatasetName is not null) throw MlopsException.Invalid($"order_by[{index}].dataset_name", "a dataset applies to a metric order only");
        var (column, type) = LoggedModelColumns.Attribute(order.FieldName)
            ?? throw MlopsException.Invalid(field, $"Invalid order by field name: {order.FieldName}; valid fields are {LoggedModelColumns.AttributeNames}");
        return new SortKey(column, !order.Ascending, type, NotNull: column is not ("lm.source_run_id" or "lm.model_type" or "lm.status_message"));
    }

    private string FilterSqlOf(FilterClause f, IReadOnlyList<LoggedModelDataset> datasets, SqlParameters p)
    {
        switch (f.Kind)
        {
            case EntityKind.Param:
                return $"EXISTS (SELECT 1 FROM logged_model_params f WHERE f.model_id = lm.model_id AND f.key = {p.Add(f.Key)} AND {Compare(db, "f.value", f, p)})";
            case EntityKind.Tag:
                return $"EXISTS (SELECT 1 FROM logged_model_tags f WHERE f.model_id = lm.model_id AND f.key = {p.Add(f.Key)} AND {Compare(db, "f.value", f, p)})";
            case EntityKind.Metric:
                // Any stored value of the metric (any step, any run) may satisfy it, as in MLflow.
                return $"EXISTS (SELECT 1 FROM logged_model_metrics f WHERE f.model_id = lm.model_id AND f.key = {p.Add(f.Key)} AND " +
                       $"f.value {Op(f.Comparator)} {p.Add(f.Value.Number)}{(datasets.Count == 0 ? "" : " AND " + DatasetCondition(datasets, p))})";
        }
        var (column, type) = LoggedModelColumns.Attribute(f.Key)!.Value;
        if (type == SortType.Integer) return $"{column} {Op(f.Comparator)} {p.Add(f.Value.Number)}";
        if (column == "lm.status") return LoggedModelColumns.StatusFilter(f, p);
        return Compare(db, column, f, p);
    }

    /// <summary>
    /// Metrics of any of these datasets: the name, and the digest when given (3.5 then required a NULL digest, so a
    /// name alone found nothing whose metrics had one; a name alone matches every digest here).
    /// </summary>
    private static string DatasetCondition(IReadOnlyList<LoggedModelDataset> datasets, SqlParameters p) =>
        "(" + string.Join(" OR ", datasets.Select(d => d.DatasetDigest is null
            ? $"f.dataset_name = {p.Add(d.DatasetName)}"
            : $"(f.dataset_name = {p.Add(d.DatasetName)} AND f.dataset_digest = {p.Add(d.DatasetDigest)})")) + ")";

    private static async Task<List<LoggedModelInfo>> ReadAsync(DbConnection c, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var p = new SqlParameters();
        var inList = string.Join(", ", ids.Select(p.Add));
        var rows = new List<(string Id, string Experiment, string Name, string? Run, string? Type, int Status, string? Message, long Created, long Updated, string Root, int Stage)>();
        var parameters = ids.ToDictionary(i => i, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        var tags = ids.ToDictionary(i => i, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using var command = c.Command(
            $"SELECT {Columns} FROM logged_models lm WHERE lm.workspace = '{Workspace}' AND lm.model_id IN ({inList}); " +
            $"SELECT model_id, key, value FROM logged_model_params WHERE workspace = '{Workspace}' AND model_id IN ({inList}); " +
            $"SELECT model_id, key, value FROM logged_model_tags WHERE workspace = '{Workspace}' AND model_id IN ({inList}); " +
            $"SELECT model_id, run_id, key, value_bits, timestamp, step, dataset_name, dataset_digest FROM logged_model_metrics " +
            $"WHERE workspace = '{Workspace}' AND model_id IN ({inList}) ORDER BY key, step, timestamp, run_id");
        p.ApplyTo(command);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            rows.Add((reader.GetString(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture), reader.GetString(2), reader.NullableString(3),
                reader.NullableString(4), Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture), reader.NullableString(6), reader.GetInt64(7),
                reader.GetInt64(8), reader.GetString(9), Convert.ToInt32(reader.GetValue(10), CultureInfo.InvariantCulture)));
        foreach (var target in new[] { parameters, tags })
        {
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) target[reader.GetString(0)][reader.GetString(1)] = reader.GetString(2);
        }
        var metrics = ids.ToDictionary(i => i, _ => new List<ModelMetric>(), StringComparer.Ordinal);
        await reader.NextResultAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            metrics[reader.GetString(0)].Add(new ModelMetric(reader.GetString(1), reader.GetString(2), BitConverter.Int64BitsToDouble(reader.GetInt64(3)),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetString(6), reader.GetString(7)));
        return rows.Select(r => new LoggedModelInfo(r.Id, r.Experiment, r.Name, r.Run, r.Type, (LoggedModelStatus)r.Status, r.Message, r.Created, r.Updated,
            r.Root, (LifecycleStage)r.Stage, parameters[r.Id], tags[r.Id]) { Metrics = metrics[r.Id] }).ToList();
    }
}
