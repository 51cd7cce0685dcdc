using DuckDB.NET.Data;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Materialization;

/// <summary>Reads a streamed column as the CLR value online rows and entity keys carry for its feature type (timestamps UTC).</summary>
internal static class MaterializedValues
{
    public static object? Read(DuckDBDataReader reader, int ordinal, FeatureValueType type)
    {
        if (reader.IsDBNull(ordinal)) return null;
        return type switch
        {
            FeatureValueType.Int32 => reader.GetInt32(ordinal),
            FeatureValueType.Int64 => reader.GetInt64(ordinal),
            FeatureValueType.Float32 => reader.GetFloat(ordinal),
            FeatureValueType.Float64 => reader.GetDouble(ordinal),
            FeatureValueType.Bool => reader.GetBoolean(ordinal),
            FeatureValueType.String => reader.GetString(ordinal),
            FeatureValueType.Bytes => Bytes(reader, ordinal),
            FeatureValueType.Timestamp => Timestamp(reader, ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no value type"),
        };
    }

    public static DateTime Timestamp(DuckDBDataReader reader, int ordinal)
    {
        try
        {
            return DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
        }
        catch (InvalidOperationException)
        {
            // DuckDB has 'infinity' timestamps; an online row cannot hold one.
            throw MlopsException.Precondition($"column '{reader.GetName(ordinal)}' holds an infinite timestamp, which the online store cannot hold");
        }
    }

    private static byte[] Bytes(DuckDBDataReader reader, int ordinal)
    {
        using var stream = reader.GetStream(ordinal);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
