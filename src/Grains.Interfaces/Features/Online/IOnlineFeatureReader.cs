namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// Online retrieval as the gateway's handlers see it. On a silo that also serves the endpoints it runs in process and calls the
/// shard grains directly; a standalone gateway gets the resolved plan from <see cref="IOnlinePlanGrain"/> and calls the shard
/// grains itself. A millisecond budget cannot afford a grain hop that only relays to the shards.
/// </summary>
public interface IOnlineFeatureReader
{
    Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request);
}
