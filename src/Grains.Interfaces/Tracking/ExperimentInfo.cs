namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>An experiment as clients see it.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.ExperimentInfo")]
public sealed record ExperimentInfo(
    [property: Id(0)] string ExperimentId,
    [property: Id(1)] string Name,
    [property: Id(2)] string ArtifactLocation,
    [property: Id(3)] LifecycleStage LifecycleStage,
    [property: Id(4)] long CreationTime,
    [property: Id(5)] long LastUpdateTime,
    [property: Id(6)] IReadOnlyDictionary<string, string> Tags);
