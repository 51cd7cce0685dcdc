namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// One entity's row of one view: its timestamps and its feature values in <see cref="OnlineViewLayout.Features"/> order.
/// A value is null or of the CLR type <see cref="FeatureTypes.ClrType"/> gives for the feature's type (timestamps UTC).
/// </summary>
/// <param name="EventTimestamp">When the values were true (UTC).</param>
/// <param name="CreatedTimestamp">Breaks ties between rows with the same event timestamp; null sorts before any value.</param>
/// <param name="Values">The feature values, one per feature of the layout.</param>
// Immutable: a row is never changed once built (a newer row replaces it), so Orleans may hand the same instance to a caller in
// the same process instead of deep-copying every row of every shard read.
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlineRow")]
public sealed record OnlineRow(
    [property: Id(0)] DateTime EventTimestamp,
    [property: Id(1)] DateTime? CreatedTimestamp,
    [property: Id(2)] object?[] Values);
