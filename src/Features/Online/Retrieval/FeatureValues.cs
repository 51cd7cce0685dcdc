using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Online.Retrieval;

/// <summary>Lossless widening of a value to a declared type, for request fields that arrive narrower than declared (JSON
/// integers for a float64 field, int32 for int64); anything else is left as it is for the evaluator to refuse.</summary>
public static class FeatureValues
{
    public static object? Widen(object? value, FeatureValueType type) => (value, type) switch
    {
        (int i, FeatureValueType.Int64) => (long)i,
        (int i, FeatureValueType.Float32) => (float)i,
        (int i, FeatureValueType.Float64) => (double)i,
        (long l, FeatureValueType.Float64) => (double)l,
        (long l, FeatureValueType.Float32) => (float)l,
        (float f, FeatureValueType.Float64) => (double)f,
        _ => value,
    };
}
