namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// The memory of the shard grains active in this process, which a silo's online read may answer from without a call. A
/// standalone gateway hosts no shard, so it has none and always calls.
/// </summary>
public interface ILocalShardRows
{
    /// <summary>Fills <c>into[views[l]][row]</c> for every row of <paramref name="rowIndexes"/> when the shard is active here and
    /// holds a live row (or a known absence) for each view and key. False when any is missing: the caller then reads the shard
    /// through the grain, which overwrites whatever this wrote.</summary>
    bool TryRead(string grainKey, OnlineViewLayout[] layouts, IReadOnlyList<int> views, IReadOnlyList<int> rowIndexes, string[] keys,
        DateTime now, OnlineRow?[][] into);
}
