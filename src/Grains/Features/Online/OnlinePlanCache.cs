using System.Collections.Concurrent;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// Resolved online requests per silo, reused for <see cref="OnlineServingOptions.DefinitionCacheTime"/>: resolving reads the
/// catalog, which a millisecond budget cannot afford on every call. A refusal is not cached. Looked up by the request's own
/// feature list (<see cref="OnlineRequestShape"/>) so that a hit allocates nothing.
/// </summary>
public sealed class OnlinePlanCache(OnlineServingOptions options)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<OnlineRequestShape, (OnlineRequestPlan Plan, DateTime Until)> _plans = new(OnlineRequestShape.Comparer);

    public async Task<OnlineRequestPlan> GetAsync(IReadOnlyList<string> features, string service, bool fullNames, Func<Task<OnlineRequestPlan>> build)
    {
        var key = new OnlineRequestShape(fullNames, service, features);
        var now = DateTime.UtcNow;
        if (_plans.TryGetValue(key, out var cached) && cached.Until > now) return cached.Plan;
        var plan = await build();
        if (_plans.Count >= MaxEntries) _plans.Clear();
        _plans[key.Owned()] = (plan, now + options.DefinitionCacheTime);
        return plan;
    }
}
