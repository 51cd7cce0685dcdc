namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>Creates an experiment with a new id chosen by the caller.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.CreateExperiment")]
public sealed record CreateExperiment(
    [property: Id(0)] string Name,
    [property: Id(1)] string? ArtifactLocation,
    [property: Id(2)] IReadOnlyDictionary<string, string> Tags);

/// <summary>Creates a run in an experiment.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.CreateRun")]
public sealed record CreateRun(
    [property: Id(0)] string ExperimentId,
    [property: Id(1)] string? RunName,
    [property: Id(2)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(3)] long? StartTime,
    [property: Id(4)] string? UserId,
    [property: Id(5)] string? ParentRunId)
{
    /// <summary>
    /// Keep a parent run id that names no run, as given (MLflow's REST stores it: a parent on another server, or one
    /// imported later). The native API refuses it instead, since there a typo would silently detach a run.
    /// </summary>
    [Id(6)] public bool KeepUnknownParent { get; init; }
}

/// <summary>Changes a run's status, end time or name; null leaves a field as it is.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.UpdateRun")]
public sealed record UpdateRun(
    [property: Id(0)] RunStatus? Status,
    [property: Id(1)] long? EndTime,
    [property: Id(2)] string? RunName);

/// <summary>An all-or-nothing batch of metrics, params and tags.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.LogBatch")]
public sealed record LogBatch(
    [property: Id(0)] IReadOnlyList<MetricPoint> Metrics,
    [property: Id(1)] IReadOnlyList<KeyValuePair<string, string>> Params,
    [property: Id(2)] IReadOnlyList<KeyValuePair<string, string>> Tags);

/// <summary>One message of the streaming ingest: a writer's numbered batch of points.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.IngestBatch")]
public sealed record IngestBatch(
    [property: Id(0)] string WriterId,
    [property: Id(1)] ulong BatchSequence,
    [property: Id(2)] IReadOnlyList<MetricPoint> Metrics);

/// <summary>The outcome of a log call: the run's last sequence number after it.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.LogResult")]
public readonly record struct LogResult([property: Id(0)] long LastSequence);
