namespace MlOps.Orleans.Contracts.Registry;

/// <summary>A registered-model search: MLflow's grammar over name and tags.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.SearchModelsQuery")]
public sealed record SearchModelsQuery(
    [property: Id(0)] string? Filter,
    [property: Id(1)] IReadOnlyList<string> OrderBy,
    [property: Id(2)] int MaxResults,
    [property: Id(3)] string? PageToken);

/// <summary>One page of registered models.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.SearchModelsPage")]
public sealed record SearchModelsPage(
    [property: Id(0)] IReadOnlyList<RegisteredModelInfo> Models,
    [property: Id(1)] string? NextPageToken);

/// <summary>A model-version search: name, run_id, version_number, source_path and tags.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.SearchVersionsQuery")]
public sealed record SearchVersionsQuery(
    [property: Id(0)] string? Filter,
    [property: Id(1)] IReadOnlyList<string> OrderBy,
    [property: Id(2)] int MaxResults,
    [property: Id(3)] string? PageToken);

/// <summary>One page of model versions.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.SearchVersionsPage")]
public sealed record SearchVersionsPage(
    [property: Id(0)] IReadOnlyList<ModelVersionInfo> Versions,
    [property: Id(1)] string? NextPageToken);
