namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// The single writer of a workspace's feature definitions (keyed by workspace): one activation serializes applies, so a plan
/// and its apply see the same revision and an apply is all or nothing.
/// </summary>
[Alias("mlops.features.IFeatureRegistryGrain")]
public interface IFeatureRegistryGrain : IGrainWithStringKey
{
    /// <summary>Validates the whole repository and lists what an apply would do; errors are in the result, nothing is written.</summary>
    [Alias("Plan")] Task<PlanResult> Plan(IReadOnlyList<RepositoryFile> files);

    /// <summary>
    /// Applies the repository atomically: INVALID_ARGUMENT listing every definition error (nothing applied), FAILED_PRECONDITION
    /// when <paramref name="expectedRevision"/> is not 0 and another apply landed since.
    /// </summary>
    [Alias("Apply")] Task<PlanResult> Apply(IReadOnlyList<RepositoryFile> files, long expectedRevision, string userId);
}
