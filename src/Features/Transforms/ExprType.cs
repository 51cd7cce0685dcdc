using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// The static type of an expression node. Integers of every width compute as 64-bit and floats as double, so an expression
/// means the same thing whatever width its inputs were stored with; the declared output type narrows at the end.
/// </summary>
internal enum ExprType
{
    /// <summary>The literal <c>null</c>: fits wherever a value of any type fits.</summary>
    Null = 0,
    Int = 1,
    Float = 2,
    Bool = 3,
    String = 4,
    Timestamp = 5,
    Bytes = 6,
}

internal static class ExprTypes
{
    public static string Name(ExprType type) => type switch
    {
        ExprType.Int => "int64",
        ExprType.Float => "float64",
        ExprType.Bool => "bool",
        ExprType.String => "string",
        ExprType.Timestamp => "timestamp",
        ExprType.Bytes => "bytes",
        _ => "null",
    };

    public static ExprType Of(FeatureValueType type) => type switch
    {
        FeatureValueType.Int32 or FeatureValueType.Int64 => ExprType.Int,
        FeatureValueType.Float32 or FeatureValueType.Float64 => ExprType.Float,
        FeatureValueType.Bool => ExprType.Bool,
        FeatureValueType.String => ExprType.String,
        FeatureValueType.Bytes => ExprType.Bytes,
        FeatureValueType.Timestamp => ExprType.Timestamp,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no value type"),
    };

    public static bool IsNumeric(ExprType type) => type is ExprType.Int or ExprType.Float;
}
