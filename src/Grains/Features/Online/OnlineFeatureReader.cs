using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Retrieval;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// Online retrieval on the silo that took the request, outside any grain: the request is resolved once per definition-cache
/// period, then costs one call per touched shard grain, all in flight together; a shard active on this silo that holds every
/// row asked of it answers from its memory without a call (<see cref="LocalShards"/>). Shared by the gateway's handlers on a silo and by
/// <see cref="OnlineFeatureGrain"/> for standalone gateways.
/// </summary>
public sealed class OnlineFeatureReader(IFeatureCatalog catalog, IGrainFactory grains, OnlineServingOptions serving, OnlinePlanCache plans,
    LocalShards local, OnlineStoreOptions store) : IOnlineFeatureReader
{
    public const int MaxEntityRows = 10_000;
    private static readonly int[] SingleRow = [0];

    public async Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request)
    {
        var rows = request.Entities.RowCount;
        if (request.Entities.Columns.Count == 0 || rows == 0) throw MlopsException.Invalid("entities", "entities hold no rows");
        if (rows > MaxEntityRows) throw MlopsException.Invalid("entities", $"at most {MaxEntityRows} entity rows per request; got {rows}");
        if (request.RequestContext is { } context && context.Columns.Count > 0 && context.RowCount != rows)
        {
            throw MlopsException.Invalid("request_context", $"request_context has {context.RowCount} rows, entities have {rows}");
        }
        var plan = await plans.GetAsync(request.Features, request.FeatureService, request.FullFeatureNames, () => BuildPlanAsync(request));

        var fetched = new OnlineRow?[plan.Views.Count][];
        for (var v = 0; v < fetched.Length; v++) fetched[v] = new OnlineRow?[rows];
        var now = DateTime.UtcNow;
        List<Task>? reads = null;
        foreach (var space in plan.KeySpaces)
        {
            var keys = EntityKeysOf(plan.Views[space.Views[0]].Binding, request.Entities);
            foreach (var (shard, rowIndexes) in ShardsOf(space.Name, keys))
            {
                var start = Stages.Start(Stages.OnlineShardRead);
                if (local.TryRead(shard, space.Layouts, space.Views, rowIndexes, keys, now, store.ExpiryGrace, fetched))
                {
                    if (start != 0) Stages.OnlineShardRead.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("path", "local"));
                    OnlineCacheMetrics.Record(rowIndexes.Count * space.Layouts.Length, 0);
                    continue;
                }
                var distinct = rowIndexes.Select(r => keys[r]).Distinct(StringComparer.Ordinal).ToList();
                (reads ??= []).Add(ReadShardAsync(space, shard, distinct, rowIndexes, keys, fetched));
            }
        }
        if (reads is { Count: 1 }) await reads[0];
        else if (reads is not null) await Task.WhenAll(reads);
        return OnlineResponseBuilder.Build(plan, request, fetched, DateTime.UtcNow);
    }

    /// <summary>The shard grain of each entity row, rows grouped by shard; one row (a model serving one prediction) skips grouping.</summary>
    private IEnumerable<(string Shard, IReadOnlyList<int> Rows)> ShardsOf(string keySpace, string[] keys) => keys.Length == 1
        ? [(OnlineShards.GrainKey(keySpace, OnlineShards.ShardOf(keys[0], serving.ShardCount)), SingleRow)]
        : Enumerable.Range(0, keys.Length).GroupBy(r => OnlineShards.ShardOf(keys[r], serving.ShardCount))
            .Select(g => (OnlineShards.GrainKey(keySpace, g.Key), (IReadOnlyList<int>)g.ToList()));

    private async Task ReadShardAsync(PlannedKeySpace space, string shard, List<string> distinct, IReadOnlyList<int> rowIndexes, string[] keys,
        OnlineRow?[][] into)
    {
        // The whole grain round trip as this silo sees it; the shard grain times its own part (memory or read-through).
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

    private static string[] EntityKeysOf(OnlineViewBinding binding, FeatureFrame entities)
    {
        var columns = new FrameColumn[binding.JoinKeys.Count];
        for (var k = 0; k < columns.Length; k++)
        {
            var name = binding.JoinKeys[k].Name;
            columns[k] = entities.Columns.FirstOrDefault(c => c.Name == name)
                         ?? throw MlopsException.Invalid("entities", $"feature view '{binding.Layout.Key.View}' needs join key '{name}' among the entities");
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

    private async Task<OnlineRequestPlan> BuildPlanAsync(OnlineFeaturesRequest request)
    {
        var definitions = new DefinitionLookup(catalog, grains);
        var resolved = await new FeatureRequestResolver(definitions.FindAsync).ResolveAsync(request.Features, request.FeatureService, request.FullFeatureNames);
        return await OnlineRequestPlan.BuildAsync(resolved, name => definitions.LiveAsync<EntitySpec>(DefinitionKind.Entity, name));
    }
}
