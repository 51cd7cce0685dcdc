namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>A file stored under a run's artifact root: its relative path, size and content digest.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.ArtifactFile")]
public sealed record ArtifactFile(
    [property: Id(0)] string Path,
    [property: Id(1)] long Size,
    [property: Id(2)] string Sha256,
    [property: Id(3)] long CreatedAt);
