using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>Reads rows back the way serving does: the view's binding, the entity key, the owning shard grain.</summary>
internal static class OnlineReadBack
{
    public static async Task<OnlineRow?> RowAsync(IServiceProvider services, string view, long driverId)
    {
        var catalog = services.GetRequiredService<IFeatureCatalog>();
        var stored = await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, view, null) ?? throw new InvalidOperationException(view);
        var spec = DefinitionJson.DeserializeFeatureView(stored.SpecJson);
        var entities = new Dictionary<string, EntitySpec>(StringComparer.Ordinal);
        foreach (var name in spec.Entities)
            entities[name] = DefinitionJson.DeserializeEntity((await catalog.GetDefinitionAsync(DefinitionKind.Entity, name, null))!.SpecJson);
        var binding = OnlineViewBinding.For(spec, stored.Version, entities);
        var key = EntityKeys.Encode([(object?)driverId]);
        var shards = services.GetRequiredService<OnlineServingOptions>().ShardCount;
        var shard = services.GetRequiredService<IGrainFactory>()
            .GetGrain<IOnlineFeatureShardGrain>(OnlineShards.GrainKey(binding.Layout.KeySpace, OnlineShards.ShardOf(key, shards)));
        return (await shard.Read([binding.Layout], [key]))[0][0];
    }
}
