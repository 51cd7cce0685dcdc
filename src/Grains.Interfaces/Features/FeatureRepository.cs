namespace MlOps.Orleans.Contracts.Features;

/// <summary>Every definition of a workspace, as a declarative apply sees it.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FeatureRepository")]
public sealed record FeatureRepository(
    [property: Id(0)] IReadOnlyList<EntitySpec> Entities,
    [property: Id(1)] IReadOnlyList<DataSourceSpec> Sources,
    [property: Id(2)] IReadOnlyList<FeatureViewSpec> FeatureViews,
    [property: Id(3)] IReadOnlyList<OnDemandFeatureViewSpec> OnDemandViews,
    [property: Id(4)] IReadOnlyList<FeatureServiceSpec> Services)
{
    public static FeatureRepository Empty { get; } = new([], [], [], [], []);
}

/// <summary>One file of a feature repository as the client sent it.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.RepositoryFile")]
public sealed record RepositoryFile(
    [property: Id(0)] string Path,
    [property: Id(1)] string Content);
