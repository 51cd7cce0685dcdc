using System.Globalization;

namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// The one mapping between <see cref="FeatureValueType"/>, its YAML/gRPC name, its CLR value type and its DuckDB SQL type,
/// so definitions, the offline store and the online side agree on what a value is.
/// </summary>
public static class FeatureTypes
{
    private static readonly Dictionary<string, FeatureValueType> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["int32"] = FeatureValueType.Int32,
        ["int64"] = FeatureValueType.Int64,
        ["float32"] = FeatureValueType.Float32,
        ["float64"] = FeatureValueType.Float64,
        ["bool"] = FeatureValueType.Bool,
        ["string"] = FeatureValueType.String,
        ["bytes"] = FeatureValueType.Bytes,
        ["timestamp"] = FeatureValueType.Timestamp,
    };

    /// <summary>The names accepted in definitions, for error messages.</summary>
    public static string Names { get; } = string.Join(", ", ByName.Keys);

    public static bool TryParse(string? name, out FeatureValueType type) =>
        ByName.TryGetValue(name?.Trim() ?? "", out type);

    public static string Name(FeatureValueType type) => type switch
    {
        FeatureValueType.Int32 => "int32",
        FeatureValueType.Int64 => "int64",
        FeatureValueType.Float32 => "float32",
        FeatureValueType.Float64 => "float64",
        FeatureValueType.Bool => "bool",
        FeatureValueType.String => "string",
        FeatureValueType.Bytes => "bytes",
        FeatureValueType.Timestamp => "timestamp",
        _ => "unspecified",
    };

    public static Type ClrType(FeatureValueType type) => type switch
    {
        FeatureValueType.Int32 => typeof(int),
        FeatureValueType.Int64 => typeof(long),
        FeatureValueType.Float32 => typeof(float),
        FeatureValueType.Float64 => typeof(double),
        FeatureValueType.Bool => typeof(bool),
        FeatureValueType.String => typeof(string),
        FeatureValueType.Bytes => typeof(byte[]),
        FeatureValueType.Timestamp => typeof(DateTime),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no value type"),
    };

    /// <summary>The DuckDB type a column of this type is cast to; timestamps are naive UTC microseconds.</summary>
    public static string DuckDbType(FeatureValueType type) => type switch
    {
        FeatureValueType.Int32 => "INTEGER",
        FeatureValueType.Int64 => "BIGINT",
        FeatureValueType.Float32 => "FLOAT",
        FeatureValueType.Float64 => "DOUBLE",
        FeatureValueType.Bool => "BOOLEAN",
        FeatureValueType.String => "VARCHAR",
        FeatureValueType.Bytes => "BLOB",
        FeatureValueType.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no value type"),
    };

    /// <summary>
    /// The feature type of a DuckDB column type as DESCRIBE reports it, or null when no feature type holds it.
    /// Narrower integers widen, DATE and zoned timestamps read as timestamps, decimals as float64.
    /// </summary>
    public static FeatureValueType? FromDuckDb(string duckDbType)
    {
        var t = duckDbType.Trim().ToUpperInvariant();
        // Lists, arrays, structs, maps and unions hold several values; no feature type is a container.
        if (t.EndsWith(']') || t.StartsWith("STRUCT", StringComparison.Ordinal) ||
            t.StartsWith("MAP", StringComparison.Ordinal) || t.StartsWith("UNION", StringComparison.Ordinal))
        {
            return null;
        }
        if (t.StartsWith("DECIMAL", StringComparison.Ordinal) || t.StartsWith("NUMERIC", StringComparison.Ordinal))
        {
            return FeatureValueType.Float64;
        }
        return t switch
        {
            "TINYINT" or "SMALLINT" or "INTEGER" or "UTINYINT" or "USMALLINT" => FeatureValueType.Int32,
            "BIGINT" or "UINTEGER" => FeatureValueType.Int64,
            "FLOAT" => FeatureValueType.Float32,
            "DOUBLE" => FeatureValueType.Float64,
            "BOOLEAN" => FeatureValueType.Bool,
            "VARCHAR" => FeatureValueType.String,
            "BLOB" => FeatureValueType.Bytes,
            "TIMESTAMP" or "TIMESTAMP_NS" or "TIMESTAMP_MS" or "TIMESTAMP_S" or "TIMESTAMP WITH TIME ZONE" or "DATE" => FeatureValueType.Timestamp,
            _ => null,
        };
    }

    /// <summary>
    /// Whether a stored column of type <paramref name="actual"/> can serve a declared <paramref name="declared"/> without loss:
    /// same type, or an integer or float32 widening.
    /// </summary>
    public static bool IsAssignable(FeatureValueType declared, FeatureValueType actual) => declared == actual || (declared, actual) switch
    {
        (FeatureValueType.Int64, FeatureValueType.Int32) => true,
        (FeatureValueType.Float64, FeatureValueType.Float32) => true,
        (FeatureValueType.Float64, FeatureValueType.Int32) => true,
        (FeatureValueType.Float32, FeatureValueType.Int32) => true,
        (FeatureValueType.Float64, FeatureValueType.Int64) => true,
        _ => false,
    };

    /// <summary>Whether <paramref name="value"/> (after JSON/protocol mapping) is a value of <paramref name="type"/>.</summary>
    public static bool IsValueOf(FeatureValueType type, object value) => type switch
    {
        FeatureValueType.Int32 => value is int,
        FeatureValueType.Int64 => value is long,
        FeatureValueType.Float32 => value is float,
        FeatureValueType.Float64 => value is double,
        FeatureValueType.Bool => value is bool,
        FeatureValueType.String => value is string,
        FeatureValueType.Bytes => value is byte[],
        FeatureValueType.Timestamp => value is DateTime { Kind: DateTimeKind.Utc },
        _ => false,
    };

    public static string Format(object? value) => value switch
    {
        null => "null",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
