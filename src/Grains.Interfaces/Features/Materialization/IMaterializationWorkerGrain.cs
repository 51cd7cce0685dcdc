using Orleans.Concurrency;

namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>
/// One key-range partition of a job (key <c>"&lt;job&gt;/&lt;part&gt;"</c>, randomly placed so partitions spread over the
/// silos): streams its rows from DuckDB and writes them through the online shard grains, reporting to the job grain.
/// </summary>
[Alias("mlops.features.materialization.IMaterializationWorkerGrain")]
public interface IMaterializationWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts the assignment in the background; a second start of the same job is ignored.</summary>
    [Alias("Start")] Task Start(MaterializationAssignment assignment);

    /// <summary>Stops the work (queries interrupted, no further writes); false when this activation runs nothing.</summary>
    [AlwaysInterleave, Alias("Cancel")] Task<bool> Cancel();

    /// <summary>Whether this activation runs the partition: false after a silo loss (the activation is new).</summary>
    [AlwaysInterleave, Alias("IsRunning")] Task<bool> IsRunning();
}
