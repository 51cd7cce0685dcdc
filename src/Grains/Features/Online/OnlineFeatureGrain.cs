using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Push;
using MlOps.Orleans.Features.Retrieval;
using MlOps.Orleans.Features.Online.Retrieval;
using Orleans.Concurrency;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>
/// Online retrieval for the requests a standalone gateway cannot serve itself (on-demand features need the feature engine; see
/// <see cref="OnlineFeatureReader"/>) and pushes, on the silo that took the call.
/// </summary>
[StatelessWorker]
public sealed class OnlineFeatureGrain(IFeatureCatalog catalog, IOnlineStore store, OnlineServingOptions serving, OnlineFeatureReader reader)
    : Grain, IOnlineFeatureGrain
{
    public Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request) => reader.GetOnlineFeatures(request);

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
