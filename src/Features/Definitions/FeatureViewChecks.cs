using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Checks of batch feature views: entities, features, ttl, and that the view's rows (straight from a source, or from its
/// SQL) carry the join keys, timestamps and features with assignable types.
/// </summary>
internal static class FeatureViewChecks
{
    public static void CheckAll(ValidationContext context)
    {
        SqlViewBinder? binder = null;
        try
        {
            foreach (var view in context.Repository.FeatureViews)
            {
                Check(context, view, () => binder ??= new SqlViewBinder());
            }
        }
        finally
        {
            binder?.Dispose();
        }
    }

    private static void Check(ValidationContext context, FeatureViewSpec view, Func<SqlViewBinder> binder)
    {
        if (view.Ttl is { } ttl && ttl < TimeSpan.Zero)
        {
            context.Error(view, $"ttl must not be negative (got {TtlFormat.Format(ttl)})");
        }
        var joinKeys = JoinKeys(context, view);
        if (view.Schema.Count == 0)
        {
            context.Error(view, "has no features: declare them in its schema");
        }
        FieldChecks.Check(context, view, view.Schema, "feature");
        foreach (var feature in view.Schema)
        {
            if (joinKeys.Any(k => k.Key.Name == feature.Name))
            {
                context.Error(view, $"feature '{feature.Name}' has the name of a join key");
            }
            if (feature.Name == view.TimestampField || (view.CreatedTimestampField.Length > 0 && feature.Name == view.CreatedTimestampField))
            {
                context.Error(view, $"feature '{feature.Name}' has the name of a timestamp field");
            }
        }
        var hasSource = view.Source.Length > 0;
        var hasSql = view.Sql.Length > 0 || view.Sources.Count > 0;
        if (hasSource && hasSql)
        {
            context.Error(view, "sets both 'source' and 'sources'/'sql'; a view reads one source directly, or several through SQL");
        }
        else if (hasSource)
        {
            CheckPlain(context, view, joinKeys);
        }
        else if (view.Sql.Length == 0)
        {
            context.Error(view, view.Sources.Count > 0 ? "has 'sources' but no 'sql'" : "needs a 'source' (or 'sources' and 'sql')");
        }
        else if (view.Sources.Count == 0)
        {
            context.Error(view, "has 'sql' but no 'sources': list the sources the query reads");
        }
        else
        {
            CheckSql(context, view, joinKeys, binder);
        }
    }

    /// <summary>The join keys of the view's entities, each with the entity that declares it.</summary>
    private static List<(FieldSpec Key, string Entity)> JoinKeys(ValidationContext context, FeatureViewSpec view)
    {
        var keys = new List<(FieldSpec Key, string Entity)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in view.Entities)
        {
            if (!seen.Add(name))
            {
                context.Error(view, $"lists entity '{name}' twice");
                continue;
            }
            if (!context.Entities.TryGetValue(name, out var entity))
            {
                context.Error(view, $"names unknown entity '{name}'");
                continue;
            }
            foreach (var key in entity.JoinKeys)
            {
                var clash = keys.FirstOrDefault(k => k.Key.Name == key.Name);
                if (clash.Key is null)
                {
                    keys.Add((key, name));
                }
                else if (clash.Key.Type != key.Type)
                {
                    context.Error(view, $"join key '{key.Name}' is {FeatureTypes.Name(clash.Key.Type)} in entity '{clash.Entity}' but {FeatureTypes.Name(key.Type)} in entity '{name}'");
                }
            }
        }
        return keys;
    }

    private static void CheckPlain(ValidationContext context, FeatureViewSpec view, List<(FieldSpec Key, string Entity)> joinKeys)
    {
        if (!context.Sources.TryGetValue(view.Source, out var source))
        {
            context.Error(view, $"names unknown source '{view.Source}'");
            return;
        }
        if (view.TimestampField.Length == 0)
        {
            context.Error(view, $"has no timestamp_field (source '{source.Name}' names none)");
        }
        else if (view.TimestampField != source.TimestampField || view.CreatedTimestampField != source.CreatedTimestampField)
        {
            context.Error(view, $"timestamp fields ('{view.TimestampField}', '{view.CreatedTimestampField}') differ from those of source '{source.Name}' ('{source.TimestampField}', '{source.CreatedTimestampField}')");
        }
        if (source.Schema.Count == 0)
        {
            context.Warning(view, $"source '{source.Name}' declares no schema, so its columns are checked only at retrieval");
            return;
        }
        var columns = source.Schema.ToDictionary(f => f.Name, f => (FeatureValueType?)f.Type, StringComparer.Ordinal);
        CheckColumns(context, view, joinKeys, columns, $"source '{source.Name}'", checkTimestamps: false);
    }

    private static void CheckSql(
        ValidationContext context, FeatureViewSpec view, List<(FieldSpec Key, string Entity)> joinKeys, Func<SqlViewBinder> binder)
    {
        if (view.TimestampField.Length == 0)
        {
            context.Error(view, "has no timestamp_field");
        }
        var sources = new List<DataSourceSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in view.Sources)
        {
            if (!seen.Add(name))
            {
                context.Error(view, $"lists source '{name}' twice");
            }
            else if (!context.Sources.TryGetValue(name, out var source))
            {
                context.Error(view, $"names unknown source '{name}'");
            }
            else if (source.Schema.Count == 0)
            {
                context.Error(view, $"reads source '{name}' through SQL, so that source must declare its schema");
            }
            else
            {
                sources.Add(source);
            }
        }
        if (!SqlViewText.TryNormalize(view.Sql, out var query, out var textError))
        {
            context.Error(view, textError);
            return;
        }
        var session = binder();
        if (!session.TryParse(query, out var parseError))
        {
            context.Error(view, parseError);
            return;
        }
        if (sources.Count != seen.Count || sources.Any(s => !DefinitionNames.IsValid(s.Name)))
        {
            return; // the SQL cannot be bound without every table it may read
        }
        foreach (var source in sources)
        {
            session.DeclareSource(source);
        }
        if (!session.TryDescribe(query, out var described, out var bindError))
        {
            context.Error(view, $"SQL does not bind: {bindError}");
            return;
        }
        var columns = new Dictionary<string, FeatureValueType?>(StringComparer.Ordinal);
        foreach (var (name, duckDbType, type) in described)
        {
            if (!columns.TryAdd(name, type))
            {
                context.Error(view, $"SQL outputs column '{name}' more than once");
            }
            else if (type is null && IsNeeded(view, joinKeys, name))
            {
                context.Error(view, $"SQL column '{name}' has type {duckDbType}, which no feature type holds");
            }
        }
        CheckColumns(context, view, joinKeys, columns, "the SQL output", checkTimestamps: true);
    }

    private static bool IsNeeded(FeatureViewSpec view, List<(FieldSpec Key, string Entity)> joinKeys, string column) =>
        column == view.TimestampField || column == view.CreatedTimestampField
        || joinKeys.Any(k => k.Key.Name == column) || view.Schema.Any(f => f.Name == column);

    private static void CheckColumns(
        ValidationContext context, FeatureViewSpec view, List<(FieldSpec Key, string Entity)> joinKeys,
        Dictionary<string, FeatureValueType?> columns, string where, bool checkTimestamps)
    {
        foreach (var (key, entity) in joinKeys)
        {
            if (!columns.TryGetValue(key.Name, out var actual))
            {
                context.Error(view, $"join key '{key.Name}' of entity '{entity}' is not a column of {where}");
            }
            else if (actual is { } a && !FeatureTypes.IsAssignable(key.Type, a))
            {
                context.Error(view, $"join key '{key.Name}' is {FeatureTypes.Name(key.Type)} in entity '{entity}' but {FeatureTypes.Name(a)} in {where}");
            }
        }
        foreach (var feature in view.Schema)
        {
            if (!columns.TryGetValue(feature.Name, out var actual))
            {
                context.Error(view, $"feature '{feature.Name}' is not a column of {where}");
            }
            else if (actual is { } a && feature.Type != FeatureValueType.Unspecified && !FeatureTypes.IsAssignable(feature.Type, a))
            {
                context.Error(view, $"feature '{feature.Name}' is declared {FeatureTypes.Name(feature.Type)} but is {FeatureTypes.Name(a)} in {where}");
            }
        }
        if (!checkTimestamps)
        {
            return; // a plain view's timestamp columns were checked on its source
        }
        foreach (var (column, what) in new[] { (view.TimestampField, "timestamp_field"), (view.CreatedTimestampField, "created_timestamp_field") })
        {
            if (column.Length == 0)
            {
                continue;
            }
            if (!columns.TryGetValue(column, out var actual))
            {
                context.Error(view, $"{what} '{column}' is not a column of {where}");
            }
            else if (actual is { } a && a != FeatureValueType.Timestamp)
            {
                context.Error(view, $"{what} '{column}' is {FeatureTypes.Name(a)} in {where}, not timestamp");
            }
        }
    }
}
