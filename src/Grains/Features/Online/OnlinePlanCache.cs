using System.Collections.Concurrent;
using MlOps.Orleans.Features.Serving;

namespace MlOps.Orleans.Features;

/// <summary>
/// Resolved online requests per silo, reused for <see cref="OnlineServingOptions.DefinitionCacheTime"/>: resolving reads the
/// catalog, which a millisecond budget cannot afford on every call. A refusal is not cached.
/// </summary>
public sealed class OnlinePlanCache(OnlineServingOptions options)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (OnlineRequestPlan Plan, DateTime Until)> _plans = new(StringComparer.Ordinal);

    public async Task<OnlineRequestPlan> GetAsync(IReadOnlyList<string> features, string service, bool fullNames, Func<Task<OnlineRequestPlan>> build)
    {
        var key = $"{(fullNames ? '1' : '0')}{service}\n{string.Join('\n', features)}";
        var now = DateTime.UtcNow;
        if (_plans.TryGetValue(key, out var cached) && cached.Until > now) return cached.Plan;
        var plan = await build();
        if (_plans.Count >= MaxEntries) _plans.Clear();
        _plans[key] = (plan, now + options.DefinitionCacheTime);
        return plan;
    }
}
