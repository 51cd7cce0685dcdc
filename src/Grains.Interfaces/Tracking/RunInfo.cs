namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>A run's identity and lifecycle, without its data.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.RunInfo")]
public sealed record RunInfo(
    [property: Id(0)] string RunId,
    [property: Id(1)] string ExperimentId,
    [property: Id(2)] string RunName,
    [property: Id(3)] string UserId,
    [property: Id(4)] RunStatus Status,
    [property: Id(5)] long StartTime,
    [property: Id(6)] long? EndTime,
    [property: Id(7)] string ArtifactUri,
    [property: Id(8)] LifecycleStage LifecycleStage,
    [property: Id(9)] string? ParentRunId);
