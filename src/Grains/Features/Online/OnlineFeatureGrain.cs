using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Common;
using MlOps.Orleans.Features.Online;
using MlOps.Orleans.Features.Push;
using MlOps.Orleans.Features.Retrieval;
using MlOps.Orleans.Features.Serving;
using Orleans.Concurrency;

namespace MlOps.Orleans.Features;

/// <summary>
/// Online retrieval and pushes on the silo that took the call. A request is resolved once per definition-cache period and
/// then costs one call per touched shard, all in flight together.
/// </summary>
[StatelessWorker]
public sealed class OnlineFeatureGrain(IFeatureCatalog catalog, IOnlineStore store, OnlineServingOptions serving, OnlinePlanCache plans)
    : Grain, IOnlineFeatureGrain
{
    public const int MaxEntityRows = 10_000;

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

        // Entity keys per key space (views over the same entities share them), then one read per shard for every view there.
        var keysBySpace = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var view in plan.Views)
        {
            var space = view.Binding.Layout.KeySpace;
            if (!keysBySpace.ContainsKey(space)) keysBySpace[space] = EntityKeysOf(view.Binding, request.Entities);
        }
        var fetched = new OnlineRow?[plan.Views.Count][];
        for (var v = 0; v < fetched.Length; v++) fetched[v] = new OnlineRow?[rows];
        var reads = new List<Task>();
        foreach (var (space, keys) in keysBySpace)
        {
            var viewIndexes = Enumerable.Range(0, plan.Views.Count).Where(v => plan.Views[v].Binding.Layout.KeySpace == space).ToList();
            var layouts = viewIndexes.Select(v => plan.Views[v].Binding.Layout).ToList();
            foreach (var shard in Enumerable.Range(0, rows).GroupBy(r => OnlineShards.ShardOf(keys[r], serving.ShardCount)))
            {
                var rowIndexes = shard.ToList();
                var distinct = rowIndexes.Select(r => keys[r]).Distinct(StringComparer.Ordinal).ToList();
                reads.Add(ReadShardAsync(OnlineShards.GrainKey(space, shard.Key), layouts, distinct, viewIndexes, rowIndexes, keys, fetched));
            }
        }
        await Task.WhenAll(reads);
        return OnlineResponseBuilder.Build(plan, request, fetched, DateTime.UtcNow);
    }

    private async Task ReadShardAsync(string grainKey, List<OnlineViewLayout> layouts, List<string> distinct, List<int> viewIndexes,
        List<int> rowIndexes, string[] keys, OnlineRow?[][] into)
    {
        var result = await GrainFactory.GetGrain<IOnlineFeatureShardGrain>(grainKey).Read(layouts, distinct);
        var position = new Dictionary<string, int>(distinct.Count, StringComparer.Ordinal);
        for (var i = 0; i < distinct.Count; i++) position[distinct[i]] = i;
        for (var l = 0; l < layouts.Count; l++)
        {
            foreach (var r in rowIndexes) into[viewIndexes[l]][r] = result[l][position[keys[r]]];
        }
    }

    private static string[] EntityKeysOf(OnlineViewBinding binding, FeatureFrame entities)
    {
        var columns = binding.JoinKeys.Select(k => entities.Columns.FirstOrDefault(c => c.Name == k.Name)
            ?? throw MlopsException.Invalid("entities", $"feature view '{binding.Layout.Key.View}' needs join key '{k.Name}' among the entities")).ToList();
        var keys = new string[entities.RowCount];
        var values = new object?[columns.Count];
        for (var r = 0; r < keys.Length; r++)
        {
            for (var c = 0; c < columns.Count; c++) values[c] = columns[c].Values[r];
            keys[r] = columns.Count == 1 ? EntityKeys.Encode(values[0]) : EntityKeys.Encode(values);
        }
        return keys;
    }

    private async Task<OnlineRequestPlan> BuildPlanAsync(OnlineFeaturesRequest request)
    {
        var definitions = new DefinitionLookup(catalog, GrainFactory);
        var resolved = await new FeatureRequestResolver(definitions.FindAsync).ResolveAsync(request.Features, request.FeatureService, request.FullFeatureNames);
        return await OnlineRequestPlan.BuildAsync(resolved, name => definitions.LiveAsync<EntitySpec>(DefinitionKind.Entity, name));
    }

    public async Task<PushOutcome> Push(string pushSource, FeatureFrame rows, PushTarget to)
    {
        if (!Enum.IsDefined(to)) throw MlopsException.Invalid("to", $"unknown push target {(int)to}");
        var definitions = new DefinitionLookup(catalog, GrainFactory);
        var source = await definitions.LiveAsync<DataSourceSpec>(DefinitionKind.DataSource, pushSource)
                     ?? throw MlopsException.NotFound($"push source '{pushSource}' does not exist");
        if (!source.IsPush) throw MlopsException.Precondition($"source '{pushSource}' is a batch source; only push sources take pushes");
        var fed = await OnlinePushes.ViewsFedByAsync(catalog, pushSource);
        var validated = PushFrameValidator.Validate(source, fed.SelectMany(v => v.JoinKeys.Select(k => k.Name)).ToHashSet(StringComparer.Ordinal), rows);
        if (to is PushTarget.Online or PushTarget.OnlineAndOffline)
        {
            foreach (var binding in fed.Where(b => b.Online))
            {
                await WriteThroughAsync(binding.Binding, OnlinePushes.Rows(binding.Binding, validated, source.TimestampField, source.CreatedTimestampField));
            }
        }
        if (to is PushTarget.Offline or PushTarget.OnlineAndOffline)
        {
            return await GrainFactory.GetGrain<IOfflineFeatureGrain>(0).PushOffline(pushSource, rows);
        }
        return new PushOutcome(rows.RowCount, []);
    }

    public async Task<long> WriteToOnlineStore(string featureView, FeatureFrame rows)
    {
        var definitions = new DefinitionLookup(catalog, GrainFactory);
        var view = await definitions.LiveAsync<FeatureViewSpec>(DefinitionKind.FeatureView, featureView)
                   ?? throw MlopsException.NotFound($"feature view '{featureView}' does not exist");
        if (!view.Online) throw MlopsException.Precondition($"feature view '{featureView}' is not online");
        var version = (await definitions.FindAsync(DefinitionKind.FeatureView, featureView, null))!.Version.Version;
        var entities = new Dictionary<string, EntitySpec>(StringComparer.Ordinal);
        foreach (var name in view.Entities)
        {
            entities[name] = await definitions.LiveAsync<EntitySpec>(DefinitionKind.Entity, name)
                             ?? throw MlopsException.Precondition($"feature view '{featureView}' uses entity '{name}', which no longer exists");
        }
        var binding = OnlineViewBinding.For(view, version, entities);
        var timestamp = view.TimestampField.Length > 0 ? view.TimestampField : HistoricalRequestValidation.DefaultTimestampColumn;
        // The view's own columns act as the schema rows must match: join keys, features and its timestamp columns.
        var asSource = new DataSourceSpec(view.Name, true, SourceFormat.Parquet, "", timestamp, view.CreatedTimestampField, false,
            [.. binding.JoinKeys, .. view.Schema], "", new Dictionary<string, string>());
        var validated = PushFrameValidator.Validate(asSource, binding.JoinKeys.Select(k => k.Name).ToList(), rows);
        await WriteThroughAsync(binding, OnlinePushes.Rows(binding, validated, timestamp, view.CreatedTimestampField));
        return rows.RowCount;
    }

    private async Task WriteThroughAsync(OnlineViewBinding binding, IReadOnlyList<KeyValuePair<string, OnlineRow>> rows)
    {
        var writes = rows.GroupBy(r => OnlineShards.ShardOf(r.Key, serving.ShardCount))
            .Select(g => GrainFactory.GetGrain<IOnlineFeatureShardGrain>(OnlineShards.GrainKey(binding.Layout.KeySpace, g.Key)).Write(binding.Layout, g.ToList()));
        await Task.WhenAll(writes);
    }

    public Task<OnlineStoreStatus> Status() => store.StatusAsync(CancellationToken.None);
}
