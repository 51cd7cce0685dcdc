using System.Globalization;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// Moves values across the boundary: row inputs (boxed CLR values) into <see cref="Scalar"/>s, and results back into the CLR
/// type of each output's declared type. Narrowing that would lose the value (an int64 out of int32 range, a float64 beyond
/// float32) gives null rather than a wrapped or infinite value.
/// </summary>
internal static class ValueConversion
{
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    /// <summary>
    /// Reads one input. Values should be the CLR type of their feature type; other numeric widths are accepted because
    /// readers of Parquet and DuckDB do not always agree on widths. Anything else throws, which nulls the outputs of the row.
    /// </summary>
    public static Scalar Read(object? value, ExprType type) => value switch
    {
        null => Scalar.Null,
        _ => type switch
        {
            ExprType.Int => value switch
            {
                long l => Scalar.FromLong(l),
                int i => Scalar.FromLong(i),
                short s => Scalar.FromLong(s),
                byte b => Scalar.FromLong(b),
                sbyte sb => Scalar.FromLong(sb),
                ushort us => Scalar.FromLong(us),
                uint ui => Scalar.FromLong(ui),
                _ => throw new InvalidCastException($"expected an integer, got {value.GetType().Name}"),
            },
            ExprType.Float => value switch
            {
                double d => Scalar.FromDouble(d),
                float f => Scalar.FromDouble(f),
                long l => Scalar.FromDouble(l),
                int i => Scalar.FromDouble(i),
                decimal m => Scalar.FromDouble((double)m),
                _ => throw new InvalidCastException($"expected a float, got {value.GetType().Name}"),
            },
            ExprType.Bool => Scalar.FromBool((bool)value),
            ExprType.String => Scalar.FromRef((string)value),
            ExprType.Bytes => Scalar.FromRef((byte[])value),
            ExprType.Timestamp => value switch
            {
                DateTime t => Scalar.FromTicks(UtcTicks(t)),
                DateTimeOffset o => Scalar.FromTicks(o.UtcTicks),
                _ => throw new InvalidCastException($"expected a timestamp, got {value.GetType().Name}"),
            },
            _ => Scalar.Null,
        },
    };

    /// <summary>Timestamps without a kind are UTC: DuckDB and Parquet hand back naive UTC values.</summary>
    public static long UtcTicks(DateTime t) => t.Kind == DateTimeKind.Local ? t.ToUniversalTime().Ticks : t.Ticks;

    /// <summary>Converts a result of static type <paramref name="from"/> to the CLR value of the declared output type.</summary>
    public static object? ToOutput(Scalar value, ExprType from, FeatureValueType to)
    {
        if (!value.HasValue)
        {
            return null;
        }
        return to switch
        {
            FeatureValueType.Int64 => value.Long,
            FeatureValueType.Int32 => value.Long is >= int.MinValue and <= int.MaxValue ? (int)value.Long : null,
            FeatureValueType.Float64 => from == ExprType.Int ? (double)value.Long : value.Double,
            FeatureValueType.Float32 => ToFloat32(from == ExprType.Int ? value.Long : value.Double),
            FeatureValueType.Bool => value.Bool ? BoxedTrue : BoxedFalse,
            FeatureValueType.String => value.Ref,
            FeatureValueType.Bytes => value.Ref,
            FeatureValueType.Timestamp => new DateTime(value.Long, DateTimeKind.Utc),
            _ => null,
        };
    }

    private static object? ToFloat32(double value)
    {
        var f = (float)value;
        return float.IsFinite(f) ? f : null;
    }

    /// <summary>How <c>concat</c> and <c>to_string</c> print a value: invariant culture, round-trippable.</summary>
    public static string Format(Scalar value, ExprType type) => type switch
    {
        ExprType.Int => value.Long.ToString(CultureInfo.InvariantCulture),
        ExprType.Float => value.Double.ToString("R", CultureInfo.InvariantCulture),
        ExprType.Bool => value.Bool ? "true" : "false",
        ExprType.String => value.String,
        ExprType.Timestamp => new DateTime(value.Long, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
        ExprType.Bytes => Convert.ToBase64String((byte[])value.Ref!),
        _ => "",
    };
}
