using MlOps.Orleans.Contracts.Features.Materialization;

namespace MlOps.Orleans.Catalog.Features;

/// <summary>
/// Materialization jobs, the per-view locks that keep two jobs off one view, and where incremental materialization resumes.
/// Writes commit durably before returning.
/// </summary>
public interface IMaterializationCatalog
{
    /// <summary>
    /// Records a new running job and takes the lock of each of <paramref name="views"/>, all or nothing. A lock held by a
    /// job whose heartbeat is older than <paramref name="staleAfter"/> is taken over and that job recorded Failed (its
    /// coordinator is gone). Nothing is written when a view is locked by a live job or the job id exists.
    /// </summary>
    Task<MaterializationClaim> ClaimAsync(MaterializationJobRow job, IReadOnlyList<string> views, TimeSpan staleAfter, CancellationToken ct = default);

    /// <summary>Refreshes a running job's state and heartbeat; false when the job is no longer running (it was taken over).</summary>
    Task<bool> HeartbeatAsync(string jobId, string state, CancellationToken ct = default);

    /// <summary>
    /// Records the job's final status, frees its locks and, for views it completed, advances where incremental runs resume
    /// (never backwards). A job already final is left as it is (false).
    /// </summary>
    Task<bool> FinishAsync(string jobId, MaterializationStatus status, string? error, string state, IReadOnlyList<MaterializedWindow> completed,
        CancellationToken ct = default);

    /// <summary>One job, or null.</summary>
    Task<MaterializationJobRow?> GetJobAsync(string jobId, CancellationToken ct = default);

    /// <summary>Jobs, newest first.</summary>
    Task<IReadOnlyList<MaterializationJobRow>> ListJobsAsync(int limit, CancellationToken ct = default);

    /// <summary>The end of the last successful materialization of a view version (UTC), or null.</summary>
    Task<DateTime?> LastEndAsync(string view, int version, CancellationToken ct = default);
}

/// <summary>A stored job: <see cref="State"/> is the coordinator's JSON; status and error are authoritative. Times in Unix ms.</summary>
public sealed record MaterializationJobRow(string JobId, MaterializationStatus Status, string? Error, string State, long CreatedAt, long? FinishedAt,
    long HeartbeatAt);

/// <summary>The outcome of a claim: taken, or refused because <see cref="ConflictView"/> is locked by <see cref="ConflictJob"/> or the id exists.</summary>
public sealed record MaterializationClaim(bool Claimed, string? ConflictView, string? ConflictJob, bool JobExists);

/// <summary>A view version a successful job materialized up to <see cref="End"/> (UTC).</summary>
public sealed record MaterializedWindow(string View, int Version, DateTime End);
