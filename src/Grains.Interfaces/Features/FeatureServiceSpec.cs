namespace MlOps.Orleans.Contracts.Features;

/// <summary>Some features of one view (all when <see cref="Features"/> is empty), optionally pinned to a version.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FeatureProjection")]
public sealed record FeatureProjection(
    [property: Id(0)] string View,
    [property: Id(1)] IReadOnlyList<string> Features,
    [property: Id(2)] int? Version = null);

/// <summary>A named set of feature projections, typically the inputs of one model.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FeatureServiceSpec")]
public sealed record FeatureServiceSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<FeatureProjection> Projections,
    [property: Id(2)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(3)] string Owner,
    [property: Id(4)] string Description);
