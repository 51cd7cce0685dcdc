using MlOps.Orleans.Contracts.Features;
using Wire = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>
/// The proto <c>ValueType</c> and the contracts' <see cref="FeatureValueType"/>, named member by member: the two enums
/// happen to share numbers today (both are pinned in tests/wire-snapshot.txt), but a cast would silently map a number
/// either side adds to whatever the other side has there.
/// </summary>
internal static class ValueTypeMapper
{
    public static Wire.ValueType ToProto(FeatureValueType type) => type switch
    {
        FeatureValueType.Int32 => Wire.ValueType.Int32,
        FeatureValueType.Int64 => Wire.ValueType.Int64,
        FeatureValueType.Float32 => Wire.ValueType.Float32,
        FeatureValueType.Float64 => Wire.ValueType.Float64,
        FeatureValueType.Bool => Wire.ValueType.Bool,
        FeatureValueType.String => Wire.ValueType.String,
        FeatureValueType.Bytes => Wire.ValueType.Bytes,
        FeatureValueType.Timestamp => Wire.ValueType.Timestamp,
        _ => Wire.ValueType.Unspecified,
    };

    /// <summary>The contract type, or null for <c>VALUE_TYPE_UNSPECIFIED</c> and numbers this build does not know.</summary>
    public static FeatureValueType? FromProto(Wire.ValueType type) => type switch
    {
        Wire.ValueType.Int32 => FeatureValueType.Int32,
        Wire.ValueType.Int64 => FeatureValueType.Int64,
        Wire.ValueType.Float32 => FeatureValueType.Float32,
        Wire.ValueType.Float64 => FeatureValueType.Float64,
        Wire.ValueType.Bool => FeatureValueType.Bool,
        Wire.ValueType.String => FeatureValueType.String,
        Wire.ValueType.Bytes => FeatureValueType.Bytes,
        Wire.ValueType.Timestamp => FeatureValueType.Timestamp,
        _ => null,
    };
}
