namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// One online view of a resolved request: where its rows live (<see cref="Layout"/>), the join key columns that make its
/// entity key, in key-space order, and which of its features (by layout index) become which output columns.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlinePlannedView")]
public sealed record OnlinePlannedView(
    [property: Id(0)] OnlineViewLayout Layout,
    [property: Id(1)] IReadOnlyList<FieldSpec> JoinKeys,
    [property: Id(2)] IReadOnlyList<int> Features,
    [property: Id(3)] IReadOnlyList<string> OutputNames);

/// <summary>
/// A resolved online request as a silo hands it to a standalone gateway (<see cref="IOnlinePlanGrain"/>), which then reads the
/// shard grains itself. Resolution needs the catalog and the feature engine, which a gateway does not have; the plan carries
/// everything else a read needs.
/// </summary>
/// <param name="Views">The online views read, in request order.</param>
/// <param name="HasOnDemand">The request names on-demand features: computing them needs the feature engine's expression
/// evaluator, so such requests are served by <see cref="IOnlineFeatureGrain"/> on a silo instead.</param>
/// <param name="Revision">The definitions' revision the plan was resolved at (read before the definitions, so the plan is at
/// least that new).</param>
/// <param name="ShardCount">The silos' shards per key space: a gateway must route every key to the shard the silos use.</param>
/// <param name="RevisionCheck">How long a gateway may reuse a plan before it asks whether the revision moved: the silos'
/// own definition cache time, so an apply reaches both paths within the same bound.</param>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlinePlan")]
public sealed record OnlinePlan(
    [property: Id(0)] IReadOnlyList<OnlinePlannedView> Views,
    [property: Id(1)] bool HasOnDemand,
    [property: Id(2)] long Revision,
    [property: Id(3)] int ShardCount,
    [property: Id(4)] TimeSpan RevisionCheck);
