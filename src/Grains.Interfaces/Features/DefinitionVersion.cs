namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// One stored version of a definition. Versions are immutable except for metadata (description, tags, owner, online flag);
/// a removed object keeps its versions readable (<see cref="Removed"/> is set on the latest).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.DefinitionVersion")]
public sealed record DefinitionVersion(
    [property: Id(0)] DefinitionKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] int Version,
    [property: Id(3)] string Digest,
    [property: Id(4)] string SpecJson,
    [property: Id(5)] long CreatedAt,
    [property: Id(6)] long UpdatedAt,
    [property: Id(7)] bool Removed,
    [property: Id(8)] long Revision);
