namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>
/// A worker's cumulative progress (so a lost report costs nothing and a recovered coordinator can rebuild its totals).
/// </summary>
/// <param name="Part">The partition.</param>
/// <param name="RowsRead">Per view of the assignment, rows read so far.</param>
/// <param name="RowsWritten">Per view, rows acknowledged by the shards so far.</param>
/// <param name="Finished">The worker has stopped: done, failed or cancelled.</param>
/// <param name="FailedView">Index of the view that failed, when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the worker failed; null when it finished or was cancelled.</param>
[GenerateSerializer, Immutable]
[Alias("mlops.features.materialization.MaterializationPartReport")]
public sealed record MaterializationPartReport(
    [property: Id(0)] int Part,
    [property: Id(1)] long[] RowsRead,
    [property: Id(2)] long[] RowsWritten,
    [property: Id(3)] bool Finished,
    [property: Id(4)] int FailedView,
    [property: Id(5)] string? Error);
