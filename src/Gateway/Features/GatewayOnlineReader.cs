using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>
/// Online retrieval in a standalone gateway, for every online endpoint (native gRPC and Feast HTTP): the plan comes from a silo
/// and is kept until the definitions change (<see cref="GatewayPlanCache"/>); the shard grains are called from here, with the
/// same read and the same answer a silo builds (<see cref="OnlineRowFetch"/>, <see cref="OnlineResponseBuilder"/>). No relay
/// hop, no database connection.
/// </summary>
internal sealed class GatewayOnlineReader(IClusterClient client, GatewayPlanCache plans) : IOnlineFeatureReader
{
    public async Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request)
    {
        OnlineRowFetch.CheckShape(request);
        var cached = await plans.GetAsync(request);
        // On-demand outputs need the feature engine's expression evaluator, which a gateway must not reference (see
        // docs/architecture.md): a silo's online worker reads and computes such requests, one hop more.
        if (cached.Plan.HasOnDemand) return await client.GetGrain<IOnlineFeatureGrain>(0).GetOnlineFeatures(request);
        var fetched = await OnlineRowFetch.FetchAsync(client, cached.Plan.Views, cached.KeySpaces, request.Entities, cached.Plan.ShardCount, local: null);
        return new OnlineFeaturesResult(OnlineResponseBuilder.Columns(cached.Plan.Views, request.Entities, fetched, DateTime.UtcNow));
    }
}
