using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using Orleans.Concurrency;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// Resolves online requests for standalone gateways on the silo that took the call. Nothing is cached here: each gateway keeps
/// the plans it was given until <see cref="Revision"/> moves, so this sees one call per request shape and revision, plus one
/// revision read per gateway and check period.
/// </summary>
[StatelessWorker]
public sealed class OnlinePlanGrain(IFeatureCatalog catalog, OnlineServingOptions serving) : Grain, IOnlinePlanGrain
{
    public async Task<OnlinePlan> Resolve(IReadOnlyList<string> features, string featureService, bool fullFeatureNames)
    {
        // The revision first and every definition from the catalog itself: an apply landing in between makes the plan newer
        // than its revision says, so the gateway resolves it once more, never keeps a plan older than its label.
        var revision = await catalog.CurrentRevisionAsync();
        var plan = await OnlineFeatureReader.BuildPlanAsync(catalog, null, features, featureService, fullFeatureNames);
        return plan.ForGateway(revision, serving);
    }

    public Task<long> Revision() => catalog.CurrentRevisionAsync();
}
