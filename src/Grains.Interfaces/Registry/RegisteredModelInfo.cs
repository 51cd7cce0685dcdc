namespace MlOps.Orleans.Contracts.Registry;

/// <summary>A registered model: its name (which may change), tags, aliases and newest version per stage.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.RegisteredModelInfo")]
public sealed record RegisteredModelInfo(
    [property: Id(0)] string ModelId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] long CreationTime,
    [property: Id(4)] long LastUpdatedTime,
    [property: Id(5)] string UserId,
    [property: Id(6)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(7)] IReadOnlyDictionary<string, long> Aliases,
    [property: Id(8)] IReadOnlyList<ModelVersionInfo> LatestVersions);
