using System.Collections.Concurrent;
using System.Diagnostics;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>A plan a standalone gateway reads with, and its views grouped by key space (computed once, not per request).</summary>
internal sealed record GatewayPlan(OnlinePlan Plan, IReadOnlyList<OnlineKeySpace> KeySpaces);

/// <summary>
/// A standalone gateway's resolved online requests, per request shape, kept until the definitions' revision moves. Resolving
/// needs the catalog, so a silo does it (<see cref="IOnlinePlanGrain"/>); the gateway asks it only on a miss, and once per check
/// period (the silos' definition cache time, carried by the plans) for the current revision. That check runs beside the
/// requests, which keep their plan meanwhile: an apply reaches this gateway within one period and one call, as it reaches a silo
/// within one period. A refusal is not cached.
/// </summary>
internal sealed class GatewayPlanCache(Func<IOnlinePlanGrain> grain, ILogger<GatewayPlanCache> logger)
{
    private const int MaxEntries = 10_000;
    // The feature definitions' workspace, as the registry's key: one today.
    private const string Workspace = "default";
    private readonly ConcurrentDictionary<OnlineRequestShape, GatewayPlan> _plans = new(OnlineRequestShape.Comparer);
    private long _revision;
    private long _checkTicks;
    private long _nextCheck;
    private int _checking;

    /// <summary>The gateway's cache; the other constructor takes any plan grain (tests).</summary>
    public GatewayPlanCache(IClusterClient client, ILogger<GatewayPlanCache> logger) : this(() => client.GetGrain<IOnlinePlanGrain>(Workspace), logger)
    {
    }

    private IOnlinePlanGrain Grain => grain();

    /// <summary>The newest revision this gateway knows of; plans resolved at an older one are resolved again.</summary>
    public long Revision => Volatile.Read(ref _revision);

    public async ValueTask<GatewayPlan> GetAsync(OnlineFeaturesRequest request)
    {
        CheckRevisionWhenDue();
        var shape = OnlineRequestShape.Of(request);
        if (_plans.TryGetValue(shape, out var cached) && cached.Plan.Revision >= Revision) return cached;
        var plan = await Grain.Resolve(request.Features, request.FeatureService, request.FullFeatureNames);
        Raise(plan.Revision);
        if (Interlocked.Exchange(ref _checkTicks, (long)(plan.RevisionCheck.TotalSeconds * Stopwatch.Frequency)) == 0)
        {
            Volatile.Write(ref _nextCheck, Stopwatch.GetTimestamp() + Volatile.Read(ref _checkTicks));
        }
        if (_plans.Count >= MaxEntries) _plans.Clear();
        var entry = new GatewayPlan(plan, OnlineKeySpace.Of(plan.Views));
        _plans[shape.Owned()] = entry;
        return entry;
    }

    /// <summary>Starts one revision check when the period is over (none before the first plan: there is nothing to keep fresh).</summary>
    private void CheckRevisionWhenDue()
    {
        if (Volatile.Read(ref _checkTicks) == 0 || Stopwatch.GetTimestamp() < Volatile.Read(ref _nextCheck)) return;
        if (Interlocked.CompareExchange(ref _checking, 1, 0) != 0) return;
        _ = CheckRevisionAsync();
    }

    private async Task CheckRevisionAsync()
    {
        try
        {
            Raise(await Grain.Revision());
        }
        catch (Exception e)
        {
            // Not a request's failure: the plans stay as they are and the next period asks again. A cluster that cannot answer
            // this fails the shard reads too, and those reach the caller.
            logger.LogWarning(e, "Checking the feature definitions' revision failed; online plans are kept until the next check");
        }
        finally
        {
            Volatile.Write(ref _nextCheck, Stopwatch.GetTimestamp() + Volatile.Read(ref _checkTicks));
            Volatile.Write(ref _checking, 0);
        }
    }

    private void Raise(long revision)
    {
        var known = Volatile.Read(ref _revision);
        while (revision > known)
        {
            var seen = Interlocked.CompareExchange(ref _revision, revision, known);
            if (seen == known) return;
            known = seen;
        }
    }
}
