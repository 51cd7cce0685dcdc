namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>A materialization job as its coordinator (or, for a listing, the catalog) knows it.</summary>
/// <param name="JobId">The job grain's key.</param>
/// <param name="Status">Where the job is.</param>
/// <param name="Views">Per-view windows and progress, in request order.</param>
/// <param name="Partitions">How many key-range partitions (worker grains) the job runs as.</param>
/// <param name="CreatedAt">When the job was recorded (UTC).</param>
/// <param name="FinishedAt">When it reached a final status (UTC).</param>
/// <param name="Error">Why it failed or was cancelled.</param>
[GenerateSerializer, Immutable]
[Alias("mlops.features.materialization.MaterializationJobInfo")]
public sealed record MaterializationJobInfo(
    [property: Id(0)] string JobId,
    [property: Id(1)] MaterializationStatus Status,
    [property: Id(2)] IReadOnlyList<MaterializationViewProgress> Views,
    [property: Id(3)] int Partitions,
    [property: Id(4)] DateTime CreatedAt,
    [property: Id(5)] DateTime? FinishedAt,
    [property: Id(6)] string? Error)
{
    public bool IsFinal => Status is MaterializationStatus.Succeeded or MaterializationStatus.Failed or MaterializationStatus.Cancelled;
}
