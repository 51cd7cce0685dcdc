namespace MlOps.Orleans.Contracts.Features;

/// <summary>A stored definition version with its spec decoded: an <see cref="EntitySpec"/>, <see cref="DataSourceSpec"/>,
/// <see cref="FeatureViewSpec"/>, <see cref="OnDemandFeatureViewSpec"/> or <see cref="FeatureServiceSpec"/>.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.DefinitionView")]
public sealed record DefinitionView(
    [property: Id(0)] DefinitionVersion Version,
    [property: Id(1)] object Spec);
