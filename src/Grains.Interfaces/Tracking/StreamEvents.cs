namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>
/// Points accepted by a run in one durable write, in sequence order; published on <c>metrics/&lt;runId&gt;</c>. A large
/// write is announced by its sequence range alone (<see cref="Points"/> empty): subscribers read it from the catalog,
/// so high-rate ingest does not serialize every point into the stream queue whether or not anyone listens.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.MetricBatchEvent")]
public sealed record MetricBatchEvent(
    [property: Id(0)] string RunId,
    [property: Id(1)] IReadOnlyList<SequencedMetric> Points,
    [property: Id(2)] long LastSequence = 0);

/// <summary>A run's status or lifecycle changed; published on <c>runs/&lt;experimentId&gt;</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.RunStatusChanged")]
public sealed record RunStatusChanged(
    [property: Id(0)] string RunId,
    [property: Id(1)] string ExperimentId,
    [property: Id(2)] RunStatus Status,
    [property: Id(3)] LifecycleStage LifecycleStage,
    [property: Id(4)] long Timestamp);
