namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>A dataset some run of an experiment logged, with the context it was logged in (MLflow's search-datasets).</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.DatasetSummary")]
public sealed record DatasetSummary(
    [property: Id(0)] string ExperimentId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Digest,
    [property: Id(3)] string Context);
