using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// One feature view of a job, as a DuckDB relation with uniform generated columns: join keys in their declared types,
/// <c>__mlops_ets</c>, <c>__mlops_cts</c>, the fetched features and <c>__mlops_key</c>, the lexicographic order key
/// (event_ts, created_ts, file index, row in file) whose greatest value not after the entity row's time is the one the
/// point-in-time join takes. Rows with a null key or event timestamp can never match and are dropped here.
/// <para>
/// Full ties (same keys, event and created timestamps): for a view read from files the row read last wins, i.e. the later
/// file in key/path order, then the later row in that file (for pushes: the later push, file names being time-ordered).
/// A SQL view's rows have no file identity and its output order is not deterministic, so its full ties are first reduced to
/// the row whose feature values (all of the view's schema, in schema order) are greatest in DuckDB's struct order, where
/// NULL ranks above any value.
/// </para>
/// </summary>
internal sealed class ViewRelation
{
    private readonly List<ViewFeature> _features = [];
    private readonly List<(string EntityAlias, string Column, FieldSpec Key)> _keys = [];

    public ViewRelation(int index, ViewSelection selection, RetrievalJob job, EntityRelation entities)
    {
        Index = index;
        Selection = selection;
        var view = selection.View;
        Context = $"feature view '{view.Name}' (version {selection.Version})";
        Name = $"{SqlText.Reserved}v{index}";
        if (view.Ttl is { } ttl && ttl < TimeSpan.Zero) throw MlopsException.Invalid("features", $"{Context}: ttl is negative");
        TtlMicros = view.Ttl is { } t ? t.Ticks / TimeSpan.TicksPerMicrosecond : null;
        foreach (var entityName in view.Entities)
        {
            if (!job.Entities.TryGetValue(entityName, out var entity))
                throw MlopsException.Invalid("features", $"{Context}: entity '{entityName}' is not in the job");
            foreach (var key in entity.JoinKeys)
            {
                if (_keys.Any(k => string.Equals(k.Key.Name, key.Name, StringComparison.OrdinalIgnoreCase))) continue;
                _keys.Add((entities.KeyAlias(key.Name, key.Type, view.Name), $"{SqlText.Reserved}k{_keys.Count}", key));
            }
        }
        foreach (var selected in selection.Features) Selected.Add(Feature(selected.Name));
    }

    public int Index { get; }

    public ViewSelection Selection { get; }

    public string Context { get; }

    /// <summary>The temp view holding this relation.</summary>
    public string Name { get; }

    public long? TtlMicros { get; }

    /// <summary>The selected features, in request order (parallel to <see cref="ViewSelection.Features"/>).</summary>
    public List<ViewFeature> Selected { get; } = [];

    public IReadOnlyList<ViewFeature> Features => _features;

    public IEnumerable<(string EntityAlias, string Column)> Keys => _keys.Select(k => (k.EntityAlias, k.Column));

    public bool HasCreatedTimestamp => CreatedField.Length > 0;

    private string CreatedField { get; set; } = "";

    /// <summary>The generated column of feature <paramref name="name"/>, fetching it (hidden) if not fetched yet.</summary>
    public ViewFeature Feature(string name)
    {
        var existing = _features.FirstOrDefault(f => f.Field.Name == name);
        if (existing is not null) return existing;
        var field = Selection.View.Schema.FirstOrDefault(f => f.Name == name)
            ?? throw MlopsException.Invalid("features", $"{Context} has no feature '{name}'");
        var feature = new ViewFeature(field, $"{SqlText.Reserved}f{_features.Count}");
        _features.Add(feature);
        return feature;
    }

    /// <summary>Registers the view's sources and creates its relation; binding it checks the SQL and the columns.</summary>
    public void Create(DuckDbSession session, RetrievalJob job, IReadOnlyDictionary<string, ResolvedSource> sources, ISet<string> sourceTables, CancellationToken ct)
    {
        var view = Selection.View;
        var isSql = !string.IsNullOrWhiteSpace(view.Sql);
        DataSourceSpec? single = null;
        string baseSql;
        if (isSql)
        {
            // Checked before anything is created for the view, so refused SQL leaves the session as it was.
            var sql = view.Sql.Trim().TrimEnd(';');
            session.RequireSingleQuery(sql, Context);
            // Full ties collapse by all feature values, so which row wins does not depend on which features a request fetches.
            foreach (var field in view.Schema) Feature(field.Name);
            foreach (var name in view.Sources) RegisterSourceTable(session, Source(sources, name), sourceTables, ct);
            // The newline ends a trailing line comment in the user's SQL, which would otherwise swallow the closing parenthesis.
            baseSql = $"(SELECT *, 0::BIGINT AS {SqlText.Reserved}fi, 0::BIGINT AS {SqlText.Reserved}fr FROM ({sql}\n) AS {SqlText.Reserved}user)";
            if (view.Sources.Count == 1) single = Source(sources, view.Sources[0]).Spec;
        }
        else
        {
            var source = Source(sources, view.Source);
            single = source.Spec;
            baseSql = FileRelation(session, source, ct);
        }
        var timestampField = First(view.TimestampField, single?.TimestampField)
            ?? throw MlopsException.Precondition($"{Context}: no event timestamp field is defined");
        CreatedField = First(view.CreatedTimestampField, single?.CreatedTimestampField) ?? "";
        var columns = session.Describe(baseSql, Context, ct).ToList();

        string Column(string name, string what)
        {
            var found = columns.FirstOrDefault(c => c.Name == name);
            if (found.Name is null) found = columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            return found.Name is null
                ? throw MlopsException.Precondition($"{Context}: its {(isSql ? "SQL" : "source")} has no column '{name}' ({what}); it has {string.Join(", ", columns.Select(c => c.Name).Where(n => !SqlText.IsReserved(n)))}")
                : found.Type;
        }

        string Convert(string name, FeatureValueType type, string what) =>
            ValueCasts.To($"b.{SqlText.Id(name)}", Column(name, what), type, Context, name);

        var select = new List<string>();
        select.AddRange(_keys.Select(k => $"{Convert(k.Key.Name, k.Key.Type, "join key")} AS {k.Column}"));
        select.Add($"{Convert(timestampField, FeatureValueType.Timestamp, "event timestamp")} AS {SqlText.Reserved}ets");
        select.Add(HasCreatedTimestamp
            ? $"{Convert(CreatedField, FeatureValueType.Timestamp, "created timestamp")} AS {SqlText.Reserved}cts"
            : $"CAST(NULL AS TIMESTAMP) AS {SqlText.Reserved}cts");
        select.AddRange(_features.Select(f => $"{Convert(f.Field.Name, f.Field.Type, "feature")} AS {f.Column}"));
        select.Add($"b.{SqlText.Reserved}fi AS {SqlText.Reserved}fi");
        select.Add($"b.{SqlText.Reserved}fr AS {SqlText.Reserved}fr");
        var notNull = _keys.Select(k => $"{k.Column} IS NOT NULL").Append($"{SqlText.Reserved}ets IS NOT NULL");
        var rows = $"SELECT * FROM (SELECT {string.Join(", ", select)} FROM {baseSql} AS b) WHERE {string.Join(" AND ", notNull)}";
        if (isSql && _features.Count > 0) rows = DedupeByValue(rows);
        var key = $"struct_pack(e := {SqlText.Reserved}ets, c := coalesce({SqlText.Reserved}cts, '-infinity'::TIMESTAMP), " +
                  $"f := {SqlText.Reserved}fi, r := {SqlText.Reserved}fr) AS {SqlText.Reserved}key";
        session.Execute($"CREATE TEMP VIEW {Name} AS SELECT *, {key} FROM ({rows})", Context, ct);
        // Binding the final view surfaces bad casts and SQL errors here, where they can be attributed to this view.
        session.Describe(Name, Context, ct);
    }

    /// <summary>Full ties of a SQL view collapse to the greatest feature values, so the join has a unique row to take.</summary>
    private string DedupeByValue(string rows)
    {
        var group = _keys.Select(k => k.Column).Append($"{SqlText.Reserved}ets").Append($"{SqlText.Reserved}cts").ToList();
        var inSchemaOrder = _features.OrderBy(f => Selection.View.Schema.ToList().FindIndex(s => s.Name == f.Field.Name)).ToList();
        var pack = string.Join(", ", inSchemaOrder.Select(f => $"{f.Column} := {f.Column}"));
        var unpack = string.Join(", ", _features.Select(f => $"struct_extract({SqlText.Reserved}s, {SqlText.Str(f.Column)}) AS {f.Column}"));
        return $"SELECT {string.Join(", ", group)}, {unpack}, 0::BIGINT AS {SqlText.Reserved}fi, 0::BIGINT AS {SqlText.Reserved}fr " +
               $"FROM (SELECT {string.Join(", ", group)}, max(struct_pack({pack})) AS {SqlText.Reserved}s FROM ({rows}) GROUP BY {string.Join(", ", group)})";
    }

    /// <summary>The rows of a file-backed view with their file index and row number, the last two parts of the order key.</summary>
    private string FileRelation(DuckDbSession session, ResolvedSource source, CancellationToken ct)
    {
        var fi = $"{SqlText.Reserved}fi";
        var fr = $"{SqlText.Reserved}fr";
        if (source.IsEmpty) return $"(SELECT *, 0::BIGINT AS {fi}, 0::BIGINT AS {fr} FROM {SourceReads.EmptyTable(source.Spec)})";
        if (source.Spec.Format == SourceFormat.Parquet)
            return $"(SELECT *, file_index::BIGINT AS {fi}, file_row_number::BIGINT AS {fr} FROM {SourceReads.Read(source)})";
        // DuckDB's CSV reader numbers no rows; a table built from the scan keeps its order (files in list order) in rowid.
        var table = $"{SqlText.Reserved}csv{Index}";
        session.Execute($"CREATE TABLE {table} AS SELECT * FROM {SourceReads.Read(source)}", Context, ct);
        return $"(SELECT *, 0::BIGINT AS {fi}, rowid::BIGINT AS {fr} FROM {table})";
    }

    private void RegisterSourceTable(DuckDbSession session, ResolvedSource source, ISet<string> registered, CancellationToken ct)
    {
        if (!registered.Add(source.Spec.Name)) return;
        if (SqlText.IsReserved(source.Spec.Name)) throw MlopsException.Invalid("features", $"{Context}: source name '{source.Spec.Name}' is reserved");
        var read = source.IsEmpty ? SourceReads.EmptyTable(source.Spec) : SourceReads.Read(source);
        session.Execute($"CREATE TEMP VIEW {SqlText.Id(source.Spec.Name)} AS SELECT * FROM {read}", $"{Context}: source '{source.Spec.Name}'", ct);
    }

    private ResolvedSource Source(IReadOnlyDictionary<string, ResolvedSource> sources, string name) =>
        sources.TryGetValue(name, out var source) ? source : throw MlopsException.Invalid("features", $"{Context}: source '{name}' is not in the job");

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
