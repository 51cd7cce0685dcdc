using Orleans.Concurrency;

namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>
/// One materialization job (key: the job id, chosen by the caller, e.g. <see cref="MaterializationJobs.NewId"/>). It validates
/// the request, takes the catalog lock of every view (one job per view at a time), records the job, and runs it as
/// key-range partitions on <see cref="IMaterializationWorkerGrain"/>s spread over the cluster; it sums their progress and
/// records the outcome. Calls return promptly; the work runs in the background.
/// </summary>
[Alias("mlops.features.materialization.IMaterializationJobGrain")]
public interface IMaterializationJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the job and returns once it is recorded and its workers run. Starting again with the same request returns the
    /// job as it is. Refusals: NOT_FOUND (unknown view), FAILED_PRECONDITION (view not online, a view already being
    /// materialized: the message names the running job), INVALID_ARGUMENT (no end, no start without incremental, a start with
    /// incremental, end before start), ALREADY_EXISTS (the job id was used for another request).
    /// </summary>
    [Alias("Start")] Task<MaterializationJobInfo> Start(MaterializationRequest request);

    /// <summary>The job and its progress. NOT_FOUND when no job has this id.</summary>
    [AlwaysInterleave, Alias("Get")] Task<MaterializationJobInfo> Get();

    /// <summary>
    /// Stops the job: interrupts the DuckDB queries and the writes, waits (briefly) for the workers to stop, then records the
    /// job Cancelled and frees its views. A final job is returned unchanged.
    /// </summary>
    [Alias("Cancel")] Task<MaterializationJobInfo> Cancel();

    /// <summary>The job once final, or as it is after <paramref name="timeout"/> (at most 10 minutes).</summary>
    [AlwaysInterleave, ResponseTimeout("00:11:00"), Alias("Wait")] Task<MaterializationJobInfo> Wait(TimeSpan timeout);

    /// <summary>Workers report here; false tells the worker to stop (the job is final or unknown).</summary>
    [AlwaysInterleave, Alias("Report")] Task<bool> Report(MaterializationPartReport report);
}
