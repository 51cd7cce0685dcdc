using DuckDB.NET.Data;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Loads the entity rows into the session and numbers them in input order (<c>__mlops_row</c>), which is the order of the
/// training set: inline rows through the appender, a Parquet file read in place (its file row number), a CSV file
/// materialized first (a table keeps the file's order in its row ids, which a CSV scan does not number).
/// </summary>
internal sealed class EntityRelation
{
    public const string RawName = SqlText.Reserved + "entity_raw";
    public const string ViewName = SqlText.Reserved + "e";
    public const string RowColumn = SqlText.Reserved + "row";
    public const string TimestampColumn = SqlText.Reserved + "ts";

    private readonly List<(string Alias, string Sql)> _keys = [];
    private readonly Dictionary<(string, FeatureValueType), string> _keyAliases = [];

    private EntityRelation(string source, IReadOnlyList<EntityColumn> columns)
    {
        Source = source;
        Columns = columns;
    }

    /// <summary>SQL of the numbered rows: every entity column plus <see cref="RowColumn"/>.</summary>
    public string Source { get; }

    public IReadOnlyList<EntityColumn> Columns { get; }

    public static EntityRelation Load(DuckDbSession session, EntityInput input, string? localFile, CancellationToken ct)
    {
        const string context = "entity rows";
        string source;
        if (input.Inline is { } frame)
        {
            LoadFrame(session, frame, ct);
            source = RawName;
        }
        else if (localFile!.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            source = $"(SELECT *, file_row_number AS {RowColumn} FROM read_parquet({SqlText.Str(localFile)}))";
        }
        else
        {
            session.Execute($"CREATE TABLE {RawName} AS SELECT * FROM read_csv({SqlText.Str(localFile)})", context, ct);
            source = $"(SELECT *, rowid AS {RowColumn} FROM {RawName})";
        }
        var columns = new List<EntityColumn>();
        foreach (var (name, type) in session.Describe(source, context, ct))
        {
            if (name == RowColumn) continue;
            if (SqlText.IsReserved(name)) throw MlopsException.Invalid("entity_rows", $"entity column '{name}' uses the reserved prefix '{SqlText.Reserved}'");
            var mapped = FeatureTypes.FromDuckDb(type)
                ?? throw MlopsException.Invalid("entity_rows", $"entity column '{name}' has type {type}, which no feature type holds");
            columns.Add(new EntityColumn(name, type, mapped));
        }
        return new EntityRelation(source, columns);
    }

    public EntityColumn? Find(string name) =>
        Columns.FirstOrDefault(c => c.Name == name) ?? Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The alias of the entity column <paramref name="name"/> converted to a join key's declared type.</summary>
    public string KeyAlias(string name, FeatureValueType type, string view)
    {
        var column = Find(name) ?? throw MlopsException.Invalid("entity_rows",
            $"the entity rows have no column '{name}', a join key of feature view '{view}'");
        if (_keyAliases.TryGetValue((column.Name, type), out var alias)) return alias;
        alias = $"{SqlText.Reserved}k{_keys.Count}";
        _keys.Add((alias, ValueCasts.To(SqlText.Id(column.Name), column.DuckDbType, type, "entity rows", column.Name)));
        _keyAliases[(column.Name, type)] = alias;
        return alias;
    }

    /// <summary>Creates <see cref="ViewName"/>: the rows with their number, point in time and every join key alias asked for.</summary>
    public void Create(DuckDbSession session, string timestampColumn, CancellationToken ct)
    {
        var ts = Find(timestampColumn) ?? throw MlopsException.Invalid("event_timestamp_column",
            $"the entity rows have no event timestamp column '{timestampColumn}'");
        if (ts.Type != FeatureValueType.Timestamp && ts.Type != FeatureValueType.String)
            throw MlopsException.Invalid("event_timestamp_column", $"entity column '{ts.Name}' is {ts.DuckDbType}, not a timestamp");
        var select = new List<string>
        {
            "*",
            $"{ValueCasts.To(SqlText.Id(ts.Name), ts.DuckDbType, FeatureValueType.Timestamp, "entity rows", ts.Name)} AS {TimestampColumn}",
        };
        select.AddRange(_keys.Select(k => $"{k.Sql} AS {k.Alias}"));
        session.Execute($"CREATE TEMP VIEW {ViewName} AS SELECT {string.Join(", ", select)} FROM {Source} AS {SqlText.Reserved}src", "entity rows", ct);
    }

    /// <summary>The entity column as it is written to the training set: its feature type's DuckDB type.</summary>
    public static string OutputExpression(EntityColumn column) =>
        ValueCasts.To($"e.{SqlText.Id(column.Name)}", column.DuckDbType, column.Type, "entity rows", column.Name);

    private static void LoadFrame(DuckDbSession session, FeatureFrame frame, CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in frame.Columns)
        {
            if (!names.Add(column.Name)) throw MlopsException.Invalid("entity_rows", $"entity column '{column.Name}' appears twice");
            if (column.Type == FeatureValueType.Unspecified) throw MlopsException.Invalid("entity_rows", $"entity column '{column.Name}' has no type");
            if (column.Values.Count != frame.RowCount)
                throw MlopsException.Invalid("entity_rows", $"entity column '{column.Name}' has {column.Values.Count} values, not {frame.RowCount}");
        }
        var definition = frame.Columns.Select(c => $"{SqlText.Id(c.Name)} {FeatureTypes.DuckDbType(c.Type)}").Append($"{RowColumn} BIGINT");
        session.Execute($"CREATE TABLE {RawName} ({string.Join(", ", definition)})", "entity rows", ct);
        using var appender = session.Connection.CreateAppender(RawName);
        for (var row = 0; row < frame.RowCount; row++)
        {
            if ((row & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            var target = appender.CreateRow();
            foreach (var column in frame.Columns) Append(target, column, row);
            target.AppendValue((long?)row).EndRow();
        }
    }

    private static void Append(IDuckDBAppenderRow target, FrameColumn column, int row)
    {
        var value = column.Values[row];
        if (value is null)
        {
            target.AppendNullValue();
            return;
        }
        if (!FeatureTypes.IsValueOf(column.Type, value))
            throw MlopsException.Invalid("entity_rows", $"entity column '{column.Name}' row {row}: {FeatureTypes.Format(value)} is not a {FeatureTypes.Name(column.Type)}");
        _ = value switch
        {
            int i => target.AppendValue((int?)i),
            long l => target.AppendValue((long?)l),
            float f => target.AppendValue((float?)f),
            double d => target.AppendValue((double?)d),
            bool b => target.AppendValue((bool?)b),
            string s => target.AppendValue(s),
            byte[] bytes => target.AppendValue(bytes),
            DateTime t => target.AppendValue((DateTime?)t),
            _ => throw MlopsException.Invalid("entity_rows", $"entity column '{column.Name}' holds an unsupported value"),
        };
    }
}
