using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Push;

/// <summary>
/// The one check of rows pushed to a source, shared by every protocol and by the offline and online sides: columns must be
/// declared by the source (or be its timestamp columns), typed as declared (integer and float widening allowed), and the event
/// timestamp and every join key of the views the source feeds must be present and non-null. A refusal names the row index,
/// the column and the reason; the caller applies nothing from a refused batch.
/// </summary>
public static class PushFrameValidator
{
    /// <summary>Returns the frame with every column converted to its declared type, or throws INVALID_ARGUMENT.</summary>
    public static FeatureFrame Validate(DataSourceSpec source, IReadOnlyCollection<string> requiredKeys, FeatureFrame rows)
    {
        if (rows.Columns.Count == 0 || rows.RowCount == 0)
        {
            throw MlopsException.Invalid("rows", $"push to '{source.Name}' carries no rows");
        }
        var declared = new Dictionary<string, FeatureValueType>(StringComparer.Ordinal);
        foreach (var f in source.Schema) declared[f.Name] = f.Type;
        declared.TryAdd(source.TimestampField, FeatureValueType.Timestamp);
        if (source.CreatedTimestampField.Length > 0) declared.TryAdd(source.CreatedTimestampField, FeatureValueType.Timestamp);

        var present = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<FrameColumn>(rows.Columns.Count);
        foreach (var column in rows.Columns)
        {
            if (!present.Add(column.Name)) throw MlopsException.Invalid("rows", $"column '{column.Name}' appears twice");
            if (!declared.TryGetValue(column.Name, out var type))
            {
                throw MlopsException.Invalid("rows", $"column '{column.Name}' is not in the schema of source '{source.Name}' ({string.Join(", ", declared.Keys)})");
            }
            if (!FeatureTypes.IsAssignable(type, column.Type))
            {
                throw MlopsException.Invalid("rows", $"column '{column.Name}' is {FeatureTypes.Name(column.Type)}; source '{source.Name}' declares it {FeatureTypes.Name(type)}");
            }
            var required = column.Name == source.TimestampField || requiredKeys.Contains(column.Name);
            result.Add(new FrameColumn(column.Name, type, Convert(column, type, required)));
        }
        foreach (var name in requiredKeys.Prepend(source.TimestampField))
        {
            if (!present.Contains(name)) throw MlopsException.Invalid("rows", $"column '{name}' is required by source '{source.Name}' and missing");
        }
        return new FeatureFrame(result);
    }

    private static object?[] Convert(FrameColumn column, FeatureValueType type, bool required)
    {
        var values = new object?[column.Values.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var value = column.Values[i];
            if (value is null)
            {
                if (required) throw MlopsException.Invalid("rows", $"row {i}: column '{column.Name}' is null; it is a key or the event timestamp");
                continue;
            }
            if (!FeatureTypes.IsValueOf(column.Type, value))
            {
                throw MlopsException.Invalid("rows", $"row {i}: column '{column.Name}' holds {value.GetType().Name}, not {FeatureTypes.Name(column.Type)}");
            }
            values[i] = Widen(value, type);
            if (values[i] is double d && !double.IsFinite(d) && required)
            {
                throw MlopsException.Invalid("rows", $"row {i}: column '{column.Name}' is not a finite number");
            }
        }
        return values;
    }

    private static object Widen(object value, FeatureValueType type) => (value, type) switch
    {
        (int i, FeatureValueType.Int64) => (long)i,
        (int i, FeatureValueType.Float32) => (float)i,
        (int i, FeatureValueType.Float64) => (double)i,
        (long l, FeatureValueType.Float64) => (double)l,
        (float f, FeatureValueType.Float64) => (double)f,
        _ => value,
    };
}
