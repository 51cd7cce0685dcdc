using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Retrieval;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// Online retrieval on the silo that took the request, outside any grain: the request is resolved once per definition-cache
/// period, then costs one call per touched shard grain, all in flight together; a shard active on this silo that holds every
/// row asked of it answers from its memory without a call (<see cref="LocalShards"/>). Serves the gateway's handlers on a silo,
/// and <see cref="OnlineFeatureGrain"/> for the requests a standalone gateway cannot serve itself (on-demand features).
/// The read and the answer are <see cref="OnlineRowFetch"/> and <see cref="OnlineResponseBuilder"/>, which a standalone gateway
/// runs too; only resolving and on-demand outputs need this silo.
/// </summary>
public sealed class OnlineFeatureReader(IFeatureCatalog catalog, IGrainFactory grains, OnlineServingOptions serving, OnlinePlanCache plans,
    LocalShards local) : IOnlineFeatureReader
{
    public async Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request)
    {
        OnlineRowFetch.CheckShape(request);
        var plan = await plans.GetAsync(request.Features, request.FeatureService, request.FullFeatureNames, () => BuildPlanAsync(catalog, grains, request.Features,
            request.FeatureService, request.FullFeatureNames));
        var fetched = await OnlineRowFetch.FetchAsync(grains, plan.Views, plan.KeySpaces, request.Entities, serving.ShardCount, local);
        var columns = OnlineResponseBuilder.Columns(plan.Views, request.Entities, fetched, DateTime.UtcNow);
        foreach (var od in plan.OnDemand) columns.AddRange(OnDemandColumns.Of(od, request, fetched));
        return new OnlineFeaturesResult(columns);
    }

    /// <summary>Resolves a request shape. Without <paramref name="grains"/> every definition is read from the catalog, not from the
    /// view grains (which learn of an apply only after it commits).</summary>
    internal static async Task<OnlineRequestPlan> BuildPlanAsync(IFeatureCatalog catalog, IGrainFactory? grains, IReadOnlyList<string> features,
        string service, bool fullNames)
    {
        var definitions = new DefinitionLookup(catalog, grains);
        var resolved = await new FeatureRequestResolver(definitions.FindAsync).ResolveAsync(features, service, fullNames);
        return await OnlineRequestPlan.BuildAsync(resolved, name => definitions.LiveAsync<EntitySpec>(DefinitionKind.Entity, name));
    }
}
