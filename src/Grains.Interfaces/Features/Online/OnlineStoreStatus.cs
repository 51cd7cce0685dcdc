namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>What a readiness probe needs from the online store.</summary>
/// <param name="Reachable">The backend answered.</param>
/// <param name="HasData">Some view version holds rows that are not past their expiry. False after a Redis flush or a
/// restart without persistence: the views must be materialized again.</param>
/// <param name="LiveViews">View versions the store knows and has not dropped.</param>
/// <param name="Detail">A human-readable line (backend, endpoint, error).</param>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlineStoreStatus")]
public sealed record OnlineStoreStatus(
    [property: Id(0)] bool Reachable,
    [property: Id(1)] bool HasData,
    [property: Id(2)] int LiveViews,
    [property: Id(3)] string Detail);
