using System.Data.Common;
using MlOps.Orleans.Catalog.Search;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Tracking;
using static MlOps.Orleans.Catalog.Search.FilterSql;

namespace MlOps.Orleans.Catalog.Tracking;

public sealed partial class SqlTrackingStore
{
    /// <summary>
    /// From this many runs in the searched experiments, a search ordered by a metric walks the metric's
    /// (experiment, key, value) index and stops after a page; below it, every run is read and sorted. The walk reads the
    /// searched experiments' rows of the key only (before issue 16 it read every experiment's, and the threshold was 5,000
    /// runs), about page / filter selectivity of them, and never more than reading every run: so it is taken at any size.
    /// Tests set a threshold to reach the other plan.
    /// </summary>
    public const int DefaultIndexWalkMinRuns = 0;

    /// <summary>Which runs one query of a run search reads; a page is filled from its segments in order.</summary>
    internal enum RunSegment
    {
        /// <summary>Every matching run, in one query sorted as a whole.</summary>
        All,

        /// <summary>Runs holding the leading order metric, read along its (key, value) index.</summary>
        Present,

        /// <summary>Runs without the leading order metric (or whose value is NaN): they sort after every value.</summary>
        Missing,
    }

    /// <summary>The segments a search would read, for tests that check which plan ran.</summary>
    internal async Task<RunSegment[]> RunSearchPlanAsync(SearchRunsQuery query, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        return await RunSearchSegmentsAsync(c, query, query.OrderBy.Select(SearchFilterParser.ParseRunOrderBy).ToList(),
            SearchFilterParser.ParseRunFilter(query.Filter), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The database's plan for each segment of a search's first page (<c>EXPLAIN QUERY PLAN</c> on SQLite, <c>EXPLAIN</c> on
    /// PostgreSQL), one line per plan step, for tests that check which index a search reads.
    /// </summary>
    internal async Task<IReadOnlyList<string>> ExplainRunSearchAsync(SearchRunsQuery query, CancellationToken ct = default)
    {
        var filters = SearchFilterParser.ParseRunFilter(query.Filter);
        var orders = query.OrderBy.Select(SearchFilterParser.ParseRunOrderBy).ToList();
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var lines = new List<string>();
        foreach (var segment in await RunSearchSegmentsAsync(c, query, orders, filters, ct).ConfigureAwait(false))
        {
            var (sql, p, _) = RunSearchSql(query, filters, orders, segment, null, query.MaxResults);
            await using var command = c.Command((_db.Backend == "postgres" ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql);
            p.ApplyTo(command);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            // SQLite's plan rows are (id, parent, notused, detail); PostgreSQL's one text column.
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) lines.Add($"{segment}: {reader.GetString(reader.FieldCount - 1)}");
        }
        return lines;
    }

    private async Task<RunSegment[]> RunSearchSegmentsAsync(DbConnection c, SearchRunsQuery query, IReadOnlyList<OrderClause> orders,
        IReadOnlyList<FilterClause> filters, CancellationToken ct)
    {
        if (orders.Count == 0 || orders[0].Kind != EntityKind.Metric) return [RunSegment.All];
        if (_indexWalkMinRuns > 0 && !await ReachesWalkThresholdAsync(c, query, ct).ConfigureAwait(false)) return [RunSegment.All];
        // Every comparator is false on a missing or NaN value, so a filter on the leading metric leaves no missing runs.
        return filters.Any(f => f.Kind == EntityKind.Metric && f.Key == orders[0].Key) ? [RunSegment.Present] : [RunSegment.Present, RunSegment.Missing];
    }

    private async Task<bool> ReachesWalkThresholdAsync(DbConnection c, SearchRunsQuery query, CancellationToken ct)
    {
        // Counting stops at the threshold, so the probe costs at most that many steps of the experiment index.
        var p = new SqlParameters();
        var ids = string.Join(", ", query.ExperimentIds.Select(e => p.Add(ParseId(e))));
        await using var probe = c.Command($"SELECT COUNT(*) FROM (SELECT 1 FROM runs r WHERE r.experiment_id IN ({ids}) AND " +
            $"{LifecycleCondition("r.lifecycle_stage", query.ViewType)} LIMIT {p.Add(_indexWalkMinRuns)}) n");
        p.ApplyTo(probe);
        return Convert.ToInt64(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) >= _indexWalkMinRuns;
    }

    /// <summary>
    /// One segment's query: the runs matching the filter, after <paramref name="last"/> (a page token's sort values) in the
    /// order asked, at most <paramref name="limit"/> + 1 of them (the extra row says another page exists). Returns the sort
    /// keys whose values are selected after the run columns, so the caller can write the next token.
    /// </summary>
    private (string Sql, SqlParameters P, List<SortKey> Keys) RunSearchSql(SearchRunsQuery query, IReadOnlyList<FilterClause> filters,
        IReadOnlyList<OrderClause> orders, RunSegment segment, IReadOnlyList<object?>? last, int limit)
    {
        var p = new SqlParameters();
        // The searched experiments, bound once: the run filter and the metric walk both name them.
        var experiments = string.Join(", ", query.ExperimentIds.Select(e => p.Add(ParseId(e))));
        var from = "runs r";
        var joins = new List<string>();
        var where = new List<string>();
        var keys = new List<SortKey>();
        // A filter on the key a run is ordered by already requires that value: join it, filter the joined row, no NULLs.
        var joined = new Dictionary<(EntityKind, string), string>();
        for (var i = 0; i < orders.Count; i++)
        {
            var o = orders[i];
            if (i == 0 && segment == RunSegment.Present)
            {
                // The metric row leads the join (SQLite is told so), so rows come in index order and the LIMIT ends the walk.
                from = $"latest_metrics o0 {_db.JoinRunOfEachRow("o0")}";
                // With one experiment the index gives the rows in value order; with several, each experiment's range
                // is read and merged by a sort, still without reading other experiments' rows.
                where.Add($"o0.experiment_id IN ({experiments}) AND o0.key = {p.Add(o.Key)} AND o0.value IS NOT NULL");
                joined[(EntityKind.Metric, o.Key)] = "o0";
                keys.Add(new SortKey("o0.value", o.Descending, SortType.Real, NotNull: true));
            }
            else if (i == 0 && segment == RunSegment.Missing)
            {
                where.Add($"NOT EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.run_id AND m.key = {p.Add(o.Key)} AND m.value IS NOT NULL)");
                // Every run here ties on the missing value: it is selected as NULL for the token and left out of the order.
                keys.Add(new SortKey("NULL", o.Descending, SortType.Real, NotNull: true));
            }
            else keys.Add(RunSortKey(o, "o" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), joins, joined, filters, p));
        }
        if (orders.Count == 0) keys.Add(new SortKey("r.start_time", true, SortType.Integer, NotNull: true));
        // Ordered by one metric, the walk's own run id breaks ties: PostgreSQL then reads the index in value order and sorts
        // only within equal values (an incremental sort), instead of sorting every row it joined.
        keys.Add(new SortKey(segment == RunSegment.Present && orders.Count == 1 ? "o0.run_id" : "r.run_id", false, SortType.Text, NotNull: true));

        where.Add($"r.workspace = {p.Add(Workspace)}");
        // The walk already holds the searched experiments' rows only (a run never changes experiment): saying it of the run
        // too only offered PostgreSQL the experiment's run index as another way to reach each run.
        if (segment != RunSegment.Present) where.Add($"r.experiment_id IN ({experiments})");
        where.Add(LifecycleCondition("r.lifecycle_stage", query.ViewType));
        foreach (var f in filters)
        {
            where.Add(joined.TryGetValue((f.Kind, f.Key), out var alias)
                ? (f.Kind == EntityKind.Metric ? $"{alias}.value {Op(f.Comparator)} {p.Add(f.Value.Number)}" : Compare($"{alias}.value", f, p))
                : RunFilterSql(f, p));
        }
        var ordering = segment == RunSegment.Missing ? keys.Skip(1).ToList() : keys;
        if (last is not null) where.Add(Keyset.After(ordering, segment == RunSegment.Missing ? last.Skip(1).ToList() : last, p));

        var sortColumns = string.Join("", keys.Select((k, i) => $", {k.Expression} AS s{i}"));
        var sql = $"SELECT {RunColumns}{sortColumns} FROM {from} {string.Join(" ", joins)} WHERE {string.Join(" AND ", where)} " +
                  $"ORDER BY {Keyset.OrderBy(ordering)} LIMIT {p.Add(limit + 1)}";
        return (sql, p, keys);
    }

    private SortKey RunSortKey(OrderClause o, string alias, List<string> joins, Dictionary<(EntityKind, string), string> joined,
        IReadOnlyList<FilterClause> filters, SqlParameters p)
    {
        var table = o.Kind switch { EntityKind.Metric => "latest_metrics", EntityKind.Param => "run_params", EntityKind.Tag => "run_tags", _ => null };
        if (table is null)
        {
            var (expr, type) = RunAttribute(o.Key);
            return new SortKey(expr, o.Descending, type, NotNull: expr != "r.end_time");
        }
        // Every comparator is false on a missing or NaN (NULL) value, so a filter on this key implies it is present.
        var required = !joined.ContainsKey((o.Kind, o.Key)) && filters.Any(f => f.Kind == o.Kind && f.Key == o.Key);
        joins.Add($"{(required ? "JOIN" : "LEFT JOIN")} {table} {alias} ON {alias}.run_id = r.run_id AND {alias}.key = {p.Add(o.Key)}");
        if (required) joined[(o.Kind, o.Key)] = alias;
        return new SortKey($"{alias}.value", o.Descending, o.Kind == EntityKind.Metric ? SortType.Real : SortType.Text, NotNull: required);
    }
}
