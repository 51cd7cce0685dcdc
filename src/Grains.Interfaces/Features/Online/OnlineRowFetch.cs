using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// The read half of online retrieval, shared by a silo's in-process reader and a standalone gateway so both answer alike: the
/// request's limits, each entity row's key per key space, one call per touched shard grain (all in flight together), or none
/// for a shard whose memory is in this process and holds every row asked of it.
/// </summary>
public static class OnlineRowFetch
{
    public const int MaxEntityRows = 10_000;
    private static readonly int[] SingleRow = [0];

    /// <summary>The refusals that need no definitions, checked before a request is resolved.</summary>
    public static void CheckShape(OnlineFeaturesRequest request)
    {
        var rows = request.Entities.RowCount;
        if (request.Entities.Columns.Count == 0 || rows == 0) throw MlopsException.Invalid("entities", "entities hold no rows");
        if (rows > MaxEntityRows) throw MlopsException.Invalid("entities", $"at most {MaxEntityRows} entity rows per request; got {rows}");
        if (request.RequestContext is { } context && context.Columns.Count > 0 && context.RowCount != rows)
        {
            throw MlopsException.Invalid("request_context", $"request_context has {context.RowCount} rows, entities have {rows}");
        }
    }

    /// <summary><c>fetched[view][row]</c>: each view's row for each entity row, null when the store has none.</summary>
    public static async Task<OnlineRow?[][]> FetchAsync(IGrainFactory grains, IReadOnlyList<OnlinePlannedView> views, IReadOnlyList<OnlineKeySpace> spaces,
        FeatureFrame entities, int shardCount, ILocalShardRows? local)
    {
        var rows = entities.RowCount;
        var fetched = new OnlineRow?[views.Count][];
        for (var v = 0; v < fetched.Length; v++) fetched[v] = new OnlineRow?[rows];
        var now = DateTime.UtcNow;
        List<Task>? reads = null;
        foreach (var space in spaces)
        {
            var keys = EntityKeysOf(views[space.Views[0]], entities);
            foreach (var (shard, rowIndexes) in ShardsOf(space.Name, keys, shardCount))
            {
                var start = Stages.Start(Stages.OnlineShardRead);
                if (local is not null && local.TryRead(shard, space.Layouts, space.Views, rowIndexes, keys, now, fetched))
                {
                    if (start != 0) Stages.OnlineShardRead.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("path", "local"));
                    continue;
                }
                var distinct = rowIndexes.Select(r => keys[r]).Distinct(StringComparer.Ordinal).ToList();
                (reads ??= []).Add(ReadShardAsync(grains, space, shard, distinct, rowIndexes, keys, fetched));
            }
        }
        if (reads is { Count: 1 }) await reads[0];
        else if (reads is not null) await Task.WhenAll(reads);
        return fetched;
    }

    /// <summary>The shard grain of each entity row, rows grouped by shard; one row (a model serving one prediction) skips grouping.</summary>
    private static IEnumerable<(string Shard, IReadOnlyList<int> Rows)> ShardsOf(string keySpace, string[] keys, int shardCount) => keys.Length == 1
        ? [(OnlineShards.GrainKey(keySpace, OnlineShards.ShardOf(keys[0], shardCount)), SingleRow)]
        : Enumerable.Range(0, keys.Length).GroupBy(r => OnlineShards.ShardOf(keys[r], shardCount))
            .Select(g => (OnlineShards.GrainKey(keySpace, g.Key), (IReadOnlyList<int>)g.ToList()));

    private static async Task ReadShardAsync(IGrainFactory grains, OnlineKeySpace space, string shard, List<string> distinct, IReadOnlyList<int> rowIndexes,
        string[] keys, OnlineRow?[][] into)
    {
        // The whole grain round trip as this process sees it; the shard grain times its own part (memory or read-through).
        var start = Stages.Start(Stages.OnlineShardRead);
        var result = await grains.GetGrain<IOnlineFeatureShardGrain>(shard).Read(space.Layouts, distinct);
        if (start != 0) Stages.OnlineShardRead.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("path", "call"));
        // Without duplicate keys the answer is in row order (Distinct keeps first occurrences); only duplicates need a lookup.
        Dictionary<string, int>? position = null;
        if (distinct.Count != rowIndexes.Count)
        {
            position = new Dictionary<string, int>(distinct.Count, StringComparer.Ordinal);
            for (var i = 0; i < distinct.Count; i++) position[distinct[i]] = i;
        }
        for (var l = 0; l < space.Views.Count; l++)
        {
            for (var i = 0; i < rowIndexes.Count; i++)
            {
                var r = rowIndexes[i];
                into[space.Views[l]][r] = result[l][position is null ? i : position[keys[r]]];
            }
        }
    }

    private static string[] EntityKeysOf(OnlinePlannedView view, FeatureFrame entities)
    {
        var columns = new FrameColumn[view.JoinKeys.Count];
        for (var k = 0; k < columns.Length; k++)
        {
            var name = view.JoinKeys[k].Name;
            columns[k] = entities.Columns.FirstOrDefault(c => c.Name == name)
                         ?? throw MlopsException.Invalid("entities", $"feature view '{view.Layout.Key.View}' needs join key '{name}' among the entities");
        }
        var keys = new string[entities.RowCount];
        if (columns.Length == 1)
        {
            for (var r = 0; r < keys.Length; r++) keys[r] = EntityKeys.Encode(columns[0].Values[r]);
            return keys;
        }
        var values = new object?[columns.Length];
        for (var r = 0; r < keys.Length; r++)
        {
            for (var c = 0; c < columns.Length; c++) values[c] = columns[c].Values[r];
            keys[r] = EntityKeys.Encode(values);
        }
        return keys;
    }
}
