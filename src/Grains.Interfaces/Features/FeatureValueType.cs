namespace MlOps.Orleans.Contracts.Features;

/// <summary>Value types of join keys, features and request fields; the same names are used in YAML, gRPC and Parquet.</summary>
[Alias("mlops.features.FeatureValueType")]
public enum FeatureValueType
{
    Unspecified = 0,
    Int32 = 1,
    Int64 = 2,
    Float32 = 3,
    Float64 = 4,
    Bool = 5,
    String = 6,
    Bytes = 7,
    Timestamp = 8,
}
