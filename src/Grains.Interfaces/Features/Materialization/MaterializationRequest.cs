namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>
/// What to materialize: for each view, for each entity key, the latest row with event_ts in [start, end] (both inclusive)
/// goes to the online store.
/// </summary>
/// <param name="Views">Feature view names; empty: every live view marked online.</param>
/// <param name="Start">Window start (UTC); required unless <paramref name="Incremental"/>, and refused with it.</param>
/// <param name="End">Window end (UTC), required.</param>
/// <param name="Incremental">Each view starts where its last successful materialization ended; with none, at
/// now - ttl (no ttl: 52 weeks).</param>
[GenerateSerializer, Immutable]
[Alias("mlops.features.materialization.MaterializationRequest")]
public sealed record MaterializationRequest(
    [property: Id(0)] IReadOnlyList<string> Views,
    [property: Id(1)] DateTime? Start,
    [property: Id(2)] DateTime End,
    [property: Id(3)] bool Incremental);
