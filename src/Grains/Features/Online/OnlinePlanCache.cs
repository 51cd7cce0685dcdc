using System.Collections.Concurrent;
using MlOps.Orleans.Features.Online.Retrieval;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// Resolved online requests per silo, reused for <see cref="OnlineServingOptions.DefinitionCacheTime"/>: resolving reads the
/// catalog, which a millisecond budget cannot afford on every call. A refusal is not cached. Looked up by the request's own
/// feature list (hashed and compared in place) so that a hit allocates nothing.
/// </summary>
public sealed class OnlinePlanCache(OnlineServingOptions options)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<PlanKey, (OnlineRequestPlan Plan, DateTime Until)> _plans = new(new PlanKeyComparer());

    public async Task<OnlineRequestPlan> GetAsync(IReadOnlyList<string> features, string service, bool fullNames, Func<Task<OnlineRequestPlan>> build)
    {
        var key = new PlanKey(fullNames, service, features);
        var now = DateTime.UtcNow;
        if (_plans.TryGetValue(key, out var cached) && cached.Until > now) return cached.Plan;
        var plan = await build();
        if (_plans.Count >= MaxEntries) _plans.Clear();
        // The stored key owns a copy: the caller's list belongs to its request.
        _plans[key with { Features = [.. features] }] = (plan, now + options.DefinitionCacheTime);
        return plan;
    }

    private readonly record struct PlanKey(bool FullNames, string Service, IReadOnlyList<string> Features);

    private sealed class PlanKeyComparer : IEqualityComparer<PlanKey>
    {
        public bool Equals(PlanKey x, PlanKey y)
        {
            if (x.FullNames != y.FullNames || !string.Equals(x.Service, y.Service, StringComparison.Ordinal) || x.Features.Count != y.Features.Count) return false;
            for (var i = 0; i < x.Features.Count; i++)
            {
                if (!string.Equals(x.Features[i], y.Features[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        public int GetHashCode(PlanKey key)
        {
            var hash = new HashCode();
            hash.Add(key.FullNames);
            hash.Add(key.Service, StringComparer.Ordinal);
            for (var i = 0; i < key.Features.Count; i++) hash.Add(key.Features[i], StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
