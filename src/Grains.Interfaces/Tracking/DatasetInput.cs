namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>A dataset a run consumed; identified within the run by (name, digest).</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.DatasetInput")]
public sealed record DatasetInput(
    [property: Id(0)] string Name,
    [property: Id(1)] string Digest,
    [property: Id(2)] string SourceType,
    [property: Id(3)] string Source,
    [property: Id(4)] string Schema,
    [property: Id(5)] string Profile,
    [property: Id(6)] IReadOnlyDictionary<string, string> Tags);
