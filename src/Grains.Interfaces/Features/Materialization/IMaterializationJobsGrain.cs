namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>Listing of materialization jobs from the catalog (stateless: runs on the silo that takes the call).</summary>
[Alias("mlops.features.materialization.IMaterializationJobsGrain")]
public interface IMaterializationJobsGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Jobs, newest first. Progress of a running job is as its coordinator last recorded it (every few seconds); call
    /// <see cref="IMaterializationJobGrain.Get"/> for live figures.
    /// </summary>
    [Alias("List")] Task<IReadOnlyList<MaterializationJobInfo>> List(int limit);
}
