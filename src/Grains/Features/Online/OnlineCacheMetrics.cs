using System.Diagnostics.Metrics;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// The online cache hit rate: each lookup of one view and entity key is a hit when a shard's memory answers it (on the
/// shard grain, or straight from an active shard on the caller's silo) and a miss when the online store is read.
/// hit / (hit + miss) over a window is the rate. Tags are built once; nothing is counted while nothing listens.
/// </summary>
internal static class OnlineCacheMetrics
{
    public static readonly Counter<long> Lookups = Stages.Meter.CreateCounter<long>("mlops.online.cache_lookups", "{lookup}",
        "Online feature lookups (one view, one entity key) by result: hit (a shard's memory answered) or miss (the online store was read)");

    private static readonly KeyValuePair<string, object?> Hit = new("result", "hit");
    private static readonly KeyValuePair<string, object?> Miss = new("result", "miss");

    public static void Record(int hits, int misses)
    {
        if (!Lookups.Enabled) return;
        if (hits > 0) Lookups.Add(hits, Hit);
        if (misses > 0) Lookups.Add(misses, Miss);
    }
}
