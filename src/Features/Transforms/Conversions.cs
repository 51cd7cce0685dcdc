using System.Globalization;

namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// Explicit conversions. A value that does not convert (an unparsable string, a float beyond the int64 range) gives null,
/// like every other failed operation, instead of failing the row.
/// </summary>
internal static class Conversions
{
    // 2^63 as a double: the first float that no long can hold.
    private const double LongLimit = 9223372036854775808.0;

    /// <summary>to_int(x): floats truncate toward zero, booleans are 0/1, strings parse as invariant integers.</summary>
    public static TypedNode ToInt(TypedNode arg)
    {
        NodeBuilders.RequireValue(arg, "the argument of to_int()");
        return arg.Type switch
        {
            ExprType.Int => arg,
            ExprType.Float => NodeBuilders.Map(arg, ExprType.Int, v =>
            {
                var t = Math.Truncate(v.Double);
                return t >= -LongLimit && t < LongLimit ? Scalar.FromLong((long)t) : Scalar.Null;
            }),
            ExprType.Bool => NodeBuilders.Map(arg, ExprType.Int, v => Scalar.FromLong(v.Long)),
            ExprType.String => NodeBuilders.Map(arg, ExprType.Int, v =>
                long.TryParse(v.String.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? Scalar.FromLong(l)
                    : Scalar.Null),
            _ => throw new ExpressionException($"to_int() cannot convert {ExprTypes.Name(arg.Type)}"),
        };
    }

    /// <summary>to_float(x): ints widen, booleans are 0/1, strings parse as invariant decimals ("1.5", "1e3").</summary>
    public static TypedNode ToFloat(TypedNode arg)
    {
        NodeBuilders.RequireValue(arg, "the argument of to_float()");
        return arg.Type switch
        {
            ExprType.Int or ExprType.Float => NodeBuilders.AsFloat(arg),
            ExprType.Bool => NodeBuilders.Map(arg, ExprType.Float, v => Scalar.FromDouble(v.Long)),
            ExprType.String => NodeBuilders.Map(arg, ExprType.Float, v =>
                double.TryParse(v.String.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? Scalar.FromDouble(d)
                    : Scalar.Null),
            _ => throw new ExpressionException($"to_float() cannot convert {ExprTypes.Name(arg.Type)}"),
        };
    }
}
