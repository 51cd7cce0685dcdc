namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>Feast's per-value statuses, with Feast's numbers.</summary>
[Alias("mlops.features.FeatureStatus")]
public enum FeatureStatus
{
    Invalid = 0,
    Present = 1,
    NullValue = 2,
    NotFound = 3,
    /// <summary>The value is older than the view's ttl; it is still returned, as Feast's Go server does.</summary>
    OutsideMaxAge = 4,
}

/// <summary>
/// An online feature request: refs (<c>view:feature</c>) or a feature service, entity rows (join key columns), and request
/// fields for on-demand views in <see cref="RequestContext"/> (or among the entity columns).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlineFeaturesRequest")]
public sealed record OnlineFeaturesRequest(
    [property: Id(0)] IReadOnlyList<string> Features,
    [property: Id(1)] string FeatureService,
    [property: Id(2)] FeatureFrame Entities,
    [property: Id(3)] FeatureFrame? RequestContext,
    [property: Id(4)] bool FullFeatureNames);

/// <summary>One result column: a value, a status and an event time (µs since the epoch, 0 when none) per entity row.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlineFeatureColumn")]
public sealed record OnlineFeatureColumn(
    [property: Id(0)] string Name,
    [property: Id(1)] FeatureValueType Type,
    [property: Id(2)] object?[] Values,
    [property: Id(3)] FeatureStatus[] Statuses,
    [property: Id(4)] long[] EventTimestamps);

/// <summary>Column-major result: the join key columns echoed first, then the features in request order.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlineFeaturesResult")]
public sealed record OnlineFeaturesResult([property: Id(0)] IReadOnlyList<OnlineFeatureColumn> Columns);

/// <summary>Where pushed rows go.</summary>
[Alias("mlops.features.PushTarget")]
public enum PushTarget
{
    Offline = 1,
    Online = 2,
    OnlineAndOffline = 3,
}

/// <summary>
/// Online serving on the silo that took the call (stateless worker): retrieval fans out to one shard grain per touched shard
/// (a standalone gateway sends only requests with on-demand features here; it reads the others itself, see
/// <see cref="IOnlinePlanGrain"/>); pushes validate once and write the online side through the shards and the offline side as Parquet.
/// </summary>
[Alias("mlops.features.IOnlineFeatureGrain")]
public interface IOnlineFeatureGrain : IGrainWithIntegerKey
{
    [Alias("GetOnlineFeatures")] Task<OnlineFeaturesResult> GetOnlineFeatures(OnlineFeaturesRequest request);

    /// <summary>Validates the rows against the push source, then writes every online view it feeds and/or its offline store.
    /// A refused batch writes nothing; UNAVAILABLE when the online store is down (nothing is written offline then either).</summary>
    [Alias("Push")] Task<PushOutcome> Push(string pushSource, FeatureFrame rows, PushTarget to);

    /// <summary>Writes rows straight into one online view (Feast's write-to-online-store), validated against its schema.</summary>
    [Alias("WriteToOnlineStore")] Task<long> WriteToOnlineStore(string featureView, FeatureFrame rows);

    /// <summary>Whether the online store answers and holds data; an empty store after a flush needs materializing.</summary>
    [Alias("Status")] Task<OnlineStoreStatus> Status();
}
