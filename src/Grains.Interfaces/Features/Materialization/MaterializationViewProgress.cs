namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>One view of a job: its window and how far it got, summed over the job's partitions.</summary>
/// <param name="View">The feature view.</param>
/// <param name="Version">The view version materialized (the live one when the job started).</param>
/// <param name="Start">Window start (UTC, inclusive).</param>
/// <param name="End">Window end (UTC, inclusive). When End &lt; Start (incremental, already up to date) nothing is read.</param>
/// <param name="RowsRead">Rows read from the offline store: one per entity key with a row in the window.</param>
/// <param name="RowsWritten">Rows acknowledged by the online shards (stored, or older than what they held).</param>
/// <param name="Error">Why this view failed, when it did.</param>
[GenerateSerializer, Immutable]
[Alias("mlops.features.materialization.MaterializationViewProgress")]
public sealed record MaterializationViewProgress(
    [property: Id(0)] string View,
    [property: Id(1)] int Version,
    [property: Id(2)] DateTime Start,
    [property: Id(3)] DateTime End,
    [property: Id(4)] long RowsRead,
    [property: Id(5)] long RowsWritten,
    [property: Id(6)] string? Error);
