namespace MlOps.Orleans.Contracts.Features;

/// <summary>A typed column: a join key, a feature, a request field or a source column.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FieldSpec")]
public sealed record FieldSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] FeatureValueType Type,
    [property: Id(2)] string Description = "");
