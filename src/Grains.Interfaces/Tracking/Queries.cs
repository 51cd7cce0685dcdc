namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>A metric history read: a step range, paged or downsampled.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.MetricHistoryQuery")]
public sealed record MetricHistoryQuery(
    [property: Id(0)] string Key,
    [property: Id(1)] long? StartStep,
    [property: Id(2)] long? EndStep,
    [property: Id(3)] int PageSize,
    [property: Id(4)] string? PageToken,
    [property: Id(5)] int MaxPoints);

/// <summary>One page of metric history.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.MetricHistoryPage")]
public sealed record MetricHistoryPage(
    [property: Id(0)] IReadOnlyList<MetricPoint> Points,
    [property: Id(1)] string? NextPageToken);

/// <summary>A run search in MLflow's grammar.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.SearchRunsQuery")]
public sealed record SearchRunsQuery(
    [property: Id(0)] IReadOnlyList<string> ExperimentIds,
    [property: Id(1)] string? Filter,
    [property: Id(2)] ViewType ViewType,
    [property: Id(3)] int MaxResults,
    [property: Id(4)] IReadOnlyList<string> OrderBy,
    [property: Id(5)] string? PageToken);

/// <summary>One page of runs.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.SearchRunsPage")]
public sealed record SearchRunsPage(
    [property: Id(0)] IReadOnlyList<RunSnapshot> Runs,
    [property: Id(1)] string? NextPageToken);

/// <summary>An experiment search in MLflow's grammar.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.SearchExperimentsQuery")]
public sealed record SearchExperimentsQuery(
    [property: Id(0)] string? Filter,
    [property: Id(1)] IReadOnlyList<string> OrderBy,
    [property: Id(2)] int MaxResults,
    [property: Id(3)] string? PageToken,
    [property: Id(4)] ViewType ViewType);

/// <summary>One page of experiments.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.SearchExperimentsPage")]
public sealed record SearchExperimentsPage(
    [property: Id(0)] IReadOnlyList<ExperimentInfo> Experiments,
    [property: Id(1)] string? NextPageToken);
