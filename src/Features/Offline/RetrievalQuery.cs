using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// The point-in-time join of a job as one DuckDB query, rows ordered by entity row number.
/// <para>
/// Default plan: one <c>ASOF LEFT JOIN</c> per view on the join keys and <c>probe &gt;= __mlops_key</c>, where the probe is
/// (entity_ts, +infinity, max, max): DuckDB takes the greatest order key not above it, i.e. the greatest event_ts &lt;=
/// entity_ts and, among those, the greatest created_ts, file and row. The ttl is then applied to that one row
/// (event_ts &gt;= entity_ts - ttl, inclusive): if the latest row is too old, every earlier one is too, so "no match" is exact.
/// </para>
/// <para>
/// With FilterByCreatedTimestamp, a view with a created timestamp uses an exact but slower plan: a hash join on the keys
/// with every condition (event_ts &lt;= ts, within ttl, created_ts &lt;= ts or unknown) and <c>arg_max</c> by the order key
/// per entity row. Its cost grows with the number of feature rows per key, where the ASOF plan's does not.
/// </para>
/// </summary>
internal sealed class RetrievalQuery
{
    private const string Row = EntityRelation.RowColumn;
    private const string Ts = EntityRelation.TimestampColumn;

    private readonly EntityRelation _entities;
    private readonly IReadOnlyList<string> _hidden;
    private readonly bool _filterByCreated;

    /// <param name="hidden">SQL of the hidden columns, in reader order; may be filled after construction, before <see cref="Sql"/>.</param>
    public RetrievalQuery(EntityRelation entities, IReadOnlyList<ViewRelation> views, IReadOnlyList<OnDemandBinding> onDemand,
        IReadOnlyList<string> hidden, IReadOnlyList<ReaderColumn> columns, bool filterByCreated)
    {
        Views = views;
        OnDemand = onDemand;
        Columns = columns;
        _entities = entities;
        _hidden = hidden;
        _filterByCreated = filterByCreated;
    }

    public IReadOnlyList<ViewRelation> Views { get; }

    public IReadOnlyList<OnDemandBinding> OnDemand { get; }

    /// <summary>The streamed columns: written ones first (entity columns, then features), then hidden on-demand inputs.</summary>
    public IReadOnlyList<ReaderColumn> Columns { get; }

    public bool UsesExactPlan(ViewRelation view) => _filterByCreated && view.HasCreatedTimestamp;

    /// <summary>Creates the per-view match tables of the exact plan; call after every view relation exists.</summary>
    public void CreateExactMatches(DuckDbSession session, CancellationToken ct)
    {
        foreach (var view in Views.Where(UsesExactPlan))
        {
            var on = view.Keys.Select(k => $"e.{k.EntityAlias} = v.{k.Column}").ToList();
            on.Add($"v.{SqlText.Reserved}ets <= e.{Ts}");
            if (view.TtlMicros is { } ttl) on.Add($"v.{SqlText.Reserved}ets >= e.{Ts} - to_microseconds({SqlText.Int(ttl)})");
            on.Add($"(v.{SqlText.Reserved}cts IS NULL OR v.{SqlText.Reserved}cts <= e.{Ts})");
            var pack = view.Features.Count == 0 ? "NULL" : $"struct_pack({string.Join(", ", view.Features.Select(f => $"{f.Column} := v.{f.Column}"))})";
            session.Execute(
                $"CREATE TEMP VIEW {MatchName(view)} AS SELECT e.{Row} AS {Row}, arg_max({pack}, v.{SqlText.Reserved}key) AS {SqlText.Reserved}s " +
                $"FROM {EntityRelation.ViewName} AS e JOIN {view.Name} AS v ON {string.Join(" AND ", on)} GROUP BY e.{Row}",
                view.Context, ct);
        }
    }

    public string Sql()
    {
        var select = new List<string>();
        select.AddRange(_entities.Columns.Select(c => $"{EntityRelation.OutputExpression(c)} AS {SqlText.Id(c.Name)}"));
        foreach (var view in Views)
        {
            for (var i = 0; i < view.Selected.Count; i++)
                select.Add($"{FeatureExpression(view, view.Selected[i])} AS {SqlText.Id(view.Selection.Features[i].OutputName)}");
        }
        select.AddRange(_hidden.Select((h, i) => $"{h} AS {SqlText.Reserved}h{i}"));
        var from = new List<string> { $"{EntityRelation.ViewName} AS e" };
        var probe = $"struct_pack(e := e.{Ts}, c := 'infinity'::TIMESTAMP, f := {long.MaxValue}::BIGINT, r := {long.MaxValue}::BIGINT)";
        foreach (var view in Views.Where(v => v.Features.Count > 0))
        {
            var alias = Alias(view);
            if (UsesExactPlan(view))
            {
                from.Add($"LEFT JOIN {MatchName(view)} AS {alias} ON {alias}.{Row} = e.{Row}");
                continue;
            }
            var on = view.Keys.Select(k => $"e.{k.EntityAlias} = {alias}.{k.Column}").Append($"{probe} >= {alias}.{SqlText.Reserved}key");
            from.Add($"ASOF LEFT JOIN {view.Name} AS {alias} ON {string.Join(" AND ", on)}");
        }
        return $"SELECT {string.Join(",\n  ", select)}\nFROM {string.Join("\n", from)}\nORDER BY e.{Row}";
    }

    /// <summary>The value of a fetched feature for the current entity row: null unless the joined row is in the window.</summary>
    public string FeatureExpression(ViewRelation view, ViewFeature feature)
    {
        var alias = Alias(view);
        if (UsesExactPlan(view)) return $"struct_extract({alias}.{SqlText.Reserved}s, {SqlText.Str(feature.Column)})";
        // The bound on event_ts also drops a match DuckDB makes for a null entity timestamp (its probe struct is not null).
        var window = $"{alias}.{SqlText.Reserved}ets <= e.{Ts}";
        if (view.TtlMicros is { } ttl) window += $" AND {alias}.{SqlText.Reserved}ets >= e.{Ts} - to_microseconds({SqlText.Int(ttl)})";
        return $"CASE WHEN {window} THEN {alias}.{feature.Column} END";
    }

    private static string Alias(ViewRelation view) => $"v{view.Index}";

    private static string MatchName(ViewRelation view) => $"{view.Name}_m";

    /// <summary>Refuses two columns of the training set with the same name (DuckDB would rename one silently).</summary>
    public static void CheckUniqueNames(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (!seen.Add(name)) throw MlopsException.Invalid("features", $"the training set would have two columns named '{name}'; rename one (full feature names)");
            if (SqlText.IsReserved(name)) throw MlopsException.Invalid("features", $"column name '{name}' uses the reserved prefix '{SqlText.Reserved}'");
        }
    }
}
