namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// What a backend needs to know about one view version to store and decode its rows.
/// </summary>
/// <param name="Key">The view version whose rows these are.</param>
/// <param name="KeySpace">The entity key space, e.g. "driver" or "customer,driver" for composite keys. The backends do not
/// put it in storage keys (a view version already has its own storage); it is carried for the callers that shard by it.</param>
/// <param name="Features">The stored features, in the order of <see cref="OnlineRow.Values"/>. Fixed for a view version.</param>
/// <param name="Ttl">How long a row stays fresh after its event timestamp; null: forever. Rows are kept a grace period
/// longer (the online store's ExpiryGrace setting) so a reader can still answer OUTSIDE_MAX_AGE.</param>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlineViewLayout")]
public sealed record OnlineViewLayout(
    [property: Id(0)] OnlineViewKey Key,
    [property: Id(1)] string KeySpace,
    [property: Id(2)] IReadOnlyList<FieldSpec> Features,
    [property: Id(3)] TimeSpan? Ttl);
