namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// Resolves online requests for standalone gateways (keyed by workspace, "default" today, as the feature registry): a
/// gateway keeps each plan until the definitions' revision moves and reads the shard grains itself, so an online read costs
/// it no relay hop and no database connection.
/// </summary>
[Alias("mlops.features.IOnlinePlanGrain")]
public interface IOnlinePlanGrain : IGrainWithStringKey
{
    /// <summary>The plan of a request shape; the same refusals as a silo's online read (unknown view or feature, a view that is
    /// not online), which are never cached.</summary>
    [Alias("Resolve")] Task<OnlinePlan> Resolve(IReadOnlyList<string> features, string featureService, bool fullFeatureNames);

    /// <summary>The definitions' current revision: a plan resolved at an older one is stale.</summary>
    [Alias("Revision")] Task<long> Revision();
}
