namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// Online retrieval as the gateway's handlers see it. On a silo that also serves the endpoints it runs in process and calls the
/// shard grains directly; a standalone gateway forwards to <see cref="IOnlineFeatureGrain"/>. A millisecond budget cannot afford
/// a grain hop that only relays to the shards.
/// </summary>
public interface IOnlineFeatureReader
{
    Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request);
}

/// <summary>The reader of a standalone gateway: the silo that takes the call resolves the request and reads the shards.</summary>
public sealed class GrainOnlineFeatureReader(IGrainFactory grains) : IOnlineFeatureReader
{
    public Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request) =>
        grains.GetGrain<IOnlineFeatureGrain>(0).GetOnlineFeatures(request);
}
