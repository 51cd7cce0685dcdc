using MlOps.Orleans.Catalog.Search;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using static MlOps.Orleans.Catalog.Search.FilterSql;

namespace MlOps.Orleans.Catalog.Tracking;

public sealed partial class SqlTrackingStore
{
    private const string StatusName =
        "(CASE r.status WHEN 1 THEN 'RUNNING' WHEN 2 THEN 'SCHEDULED' WHEN 3 THEN 'FINISHED' WHEN 4 THEN 'FAILED' WHEN 5 THEN 'KILLED' END)";

    public async Task<SearchRunsPage> SearchRunsAsync(SearchRunsQuery query, CancellationToken ct = default)
    {
        var limit = query.MaxResults <= 0 ? TrackingLimits.DefaultSearchRuns : query.MaxResults;
        if (limit > TrackingLimits.MaxSearchRuns)
            throw MlopsException.Invalid("max_results", $"Invalid value {limit} for parameter 'max_results' supplied. It must be at most {TrackingLimits.MaxSearchRuns}, but got value {limit}");
        if (query.ExperimentIds.Count == 0) throw MlopsException.Invalid("experiment_ids", "at least one experiment id is required");
        foreach (var id in query.ExperimentIds) TrackingValidation.ExperimentId(id, "experiment_ids");
        var filters = SearchFilterParser.ParseRunFilter(query.Filter);
        var orders = query.OrderBy.Select(SearchFilterParser.ParseRunOrderBy).ToList();

        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var segments = await RunSearchSegmentsAsync(c, query, orders, filters, ct).ConfigureAwait(false);
        var keyTypes = RunSearchSql(query, filters, orders, segments[0], null, limit).Keys;
        var last = string.IsNullOrEmpty(query.PageToken) ? null : Keyset.Decode(query.PageToken, keyTypes);
        // A token whose leading metric is null was read from the missing segment: the present one is behind it.
        if (last is not null && segments[0] == RunSegment.Present && last[0] is null) segments = [RunSegment.Missing];

        var infos = new List<RunInfo>();
        object?[]? lastValues = null;
        var hasMore = false;
        foreach (var segment in segments)
        {
            var (sql, p, keys) = RunSearchSql(query, filters, orders, segment, segment == segments[0] ? last : null, limit - infos.Count);
            await using var command = c.Command(sql);
            p.ApplyTo(command);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                if (infos.Count == limit) { hasMore = true; break; }
                infos.Add(ReadRunInfo(reader));
                lastValues = keys.Select((k, i) => Keyset.Read(reader, 10 + i, k.Type)).ToArray();
            }
            if (hasMore) break;
        }
        var next = hasMore ? Keyset.Encode(lastValues!) : null;
        var details = await LoadRunDetailsAsync(c, infos.Select(i => i.RunId).ToList(), ct).ConfigureAwait(false);
        // Search results come from the catalog, not the grains, so they carry no live sequence number.
        var runs = infos.Select(i => new RunSnapshot(i, details[i.RunId].Params, details[i.RunId].Tags, details[i.RunId].Latest, details[i.RunId].Inputs, 0) { Models = details[i.RunId].Models }).ToList();
        return new SearchRunsPage(runs, next);
    }

    public async Task<IReadOnlyList<DatasetSummary>> SearchDatasetsAsync(IReadOnlyList<string> experimentIds, int limit, CancellationToken ct = default)
    {
        if (experimentIds.Count == 0) return [];
        foreach (var id in experimentIds) TrackingValidation.ExperimentId(id, "experiment_ids");
        var p = new SqlParameters();
        var ids = string.Join(", ", experimentIds.Select(e => p.Add(ParseId(e))));
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = c.Command("SELECT DISTINCT r.experiment_id, i.name, i.digest, i.context FROM run_inputs i JOIN runs r ON r.run_id = i.run_id " +
            $"WHERE r.workspace = {p.Add(Workspace)} AND r.experiment_id IN ({ids}) AND r.lifecycle_stage = {p.Add((int)LifecycleStage.Active)} " +
            $"ORDER BY r.experiment_id, i.name, i.digest, i.context LIMIT {p.Add(limit)}");
        p.ApplyTo(command);
        var result = new List<DatasetSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new DatasetSummary(IdText(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return result;
    }

    public async Task<SearchExperimentsPage> SearchExperimentsAsync(SearchExperimentsQuery query, CancellationToken ct = default)
    {
        var limit = query.MaxResults <= 0 ? TrackingLimits.DefaultSearchExperiments : query.MaxResults;
        if (limit > TrackingLimits.MaxSearchExperiments)
            throw MlopsException.Invalid("max_results", $"Invalid value {limit} for parameter 'max_results' supplied. It must be at most {TrackingLimits.MaxSearchExperiments}, but got value {limit}");
        var filters = SearchFilterParser.ParseExperimentFilter(query.Filter);
        var orders = query.OrderBy.Select(SearchFilterParser.ParseExperimentOrderBy).ToList();
        var p = new SqlParameters();
        var keys = new List<SortKey>();
        foreach (var o in orders) keys.Add(ExperimentSortKey(o));
        if (orders.Count == 0) keys.Add(new SortKey("e.creation_time", true, SortType.Integer, NotNull: true));
        keys.Add(new SortKey("e.experiment_id", false, SortType.Integer, NotNull: true));

        var where = new List<string> { $"e.workspace = {p.Add(Workspace)}", LifecycleCondition("e.lifecycle_stage", query.ViewType) };
        foreach (var f in filters) where.Add(ExperimentFilterSql(f, p));
        if (!string.IsNullOrEmpty(query.PageToken)) where.Add(Keyset.After(keys, Keyset.Decode(query.PageToken, keys), p));
        var sql = $"SELECT {ExperimentColumns}{string.Join("", keys.Select((k, i) => $", {k.Expression} AS s{i}"))} FROM experiments e " +
                  $"WHERE {string.Join(" AND ", where)} ORDER BY {Keyset.OrderBy(keys)} LIMIT {p.Add(limit + 1)}";

        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var ids = new List<long>();
        object?[]? lastValues = null;
        var hasMore = false;
        await using (var command = c.Command(sql))
        {
            p.ApplyTo(command);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                if (ids.Count == limit) { hasMore = true; break; }
                ids.Add(reader.GetInt64(0));
                lastValues = keys.Select((k, i) => Keyset.Read(reader, 6 + i, k.Type)).ToArray();
            }
        }
        if (ids.Count == 0) return new SearchExperimentsPage([], null);
        var inList = string.Join(", ", ids.Select((_, i) => $"@i{i}"));
        var loaded = await ReadExperimentsAsync(c, $"SELECT {ExperimentColumns} FROM experiments e WHERE e.experiment_id IN ({inList})",
            ids.Select((id, i) => ($"@i{i}", (object?)id)), ct).ConfigureAwait(false);
        var byId = loaded.ToDictionary(e => e.ExperimentId);
        var ordered = ids.Select(i => byId[IdText(i)]).ToList();
        return new SearchExperimentsPage(ordered, hasMore ? Keyset.Encode(lastValues!) : null);
    }

    private static string LifecycleCondition(string column, ViewType view) => view switch
    {
        ViewType.ActiveOnly => $"{column} = {(int)LifecycleStage.Active}",
        ViewType.DeletedOnly => $"{column} = {(int)LifecycleStage.Deleted}",
        _ => "1 = 1",
    };

    private static (string Expression, SortType Type) RunAttribute(string key) => key switch
    {
        "run_id" => ("r.run_id", SortType.Text),
        "run_name" => ("r.run_name", SortType.Text),
        "status" => (StatusName, SortType.Text),
        "user_id" => ("r.user_id", SortType.Text),
        "artifact_uri" => ("r.artifact_uri", SortType.Text),
        "start_time" or "created" => ("r.start_time", SortType.Integer),
        "end_time" => ("r.end_time", SortType.Integer),
        "experiment_id" => ("r.experiment_id", SortType.Integer),
        _ => throw MlopsException.Invalid("order_by", $"cannot order runs by attribute '{key}'"),
    };

    private string RunFilterSql(FilterClause f, SqlParameters p)
    {
        switch (f.Kind)
        {
            case EntityKind.Metric:
                return $"EXISTS (SELECT 1 FROM latest_metrics f WHERE f.run_id = r.run_id AND f.key = {p.Add(f.Key)} AND f.value {Op(f.Comparator)} {p.Add(f.Value.Number)})";
            case EntityKind.Param:
                return $"EXISTS (SELECT 1 FROM run_params f WHERE f.run_id = r.run_id AND f.key = {p.Add(f.Key)} AND {Compare("f.value", f, p)})";
            case EntityKind.Tag:
                return $"EXISTS (SELECT 1 FROM run_tags f WHERE f.run_id = r.run_id AND f.key = {p.Add(f.Key)} AND {Compare("f.value", f, p)})";
            case EntityKind.Dataset:
                var column = f.Key switch { "name" => "f.name", "digest" => "f.digest", _ => "f.context" };
                return $"EXISTS (SELECT 1 FROM run_inputs f WHERE f.run_id = r.run_id AND {Compare(column, f, p)})";
            default:
                var (expr, type) = RunAttribute(f.Key);
                return type == SortType.Integer
                    ? $"{expr} {Op(f.Comparator)} {p.Add((long)Math.Floor(f.Value.Number ?? 0))}"
                    : Compare(expr, f, p);
        }
    }

    private string ExperimentFilterSql(FilterClause f, SqlParameters p)
    {
        if (f.Kind == EntityKind.Tag)
            return $"EXISTS (SELECT 1 FROM experiment_tags f WHERE f.experiment_id = e.experiment_id AND f.key = {p.Add(f.Key)} AND {Compare("f.value", f, p)})";
        return f.Key switch
        {
            "name" => Compare("e.name", f, p),
            "creation_time" => $"e.creation_time {Op(f.Comparator)} {p.Add(f.Value.Number)}",
            "last_update_time" => $"e.last_update_time {Op(f.Comparator)} {p.Add(f.Value.Number)}",
            _ => throw MlopsException.Invalid("filter", $"cannot filter experiments by '{f.Key}'"),
        };
    }

    private static SortKey ExperimentSortKey(OrderClause o) => o.Key switch
    {
        "name" => new SortKey("e.name", o.Descending, SortType.Text, NotNull: true),
        "experiment_id" => new SortKey("e.experiment_id", o.Descending, SortType.Integer, NotNull: true),
        "creation_time" => new SortKey("e.creation_time", o.Descending, SortType.Integer, NotNull: true),
        "last_update_time" => new SortKey("e.last_update_time", o.Descending, SortType.Integer, NotNull: true),
        _ => throw MlopsException.Invalid("order_by", $"cannot order experiments by '{o.Key}'"),
    };

    private string Compare(string column, FilterClause f, SqlParameters p) => FilterSql.Compare(_db, column, f, p);
}
