namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// A batch feature view. Rows come either straight from <see cref="Source"/> or from <see cref="Sql"/>, a DuckDB SELECT over the
/// sources named in <see cref="Sources"/> (each visible to the query as a table of that name). The output of either must carry
/// the join keys of every entity, the event timestamp column <see cref="TimestampField"/>, optionally
/// <see cref="CreatedTimestampField"/>, and every field in <see cref="Schema"/>.
/// <see cref="Ttl"/> null means no limit on how old a row may be.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FeatureViewSpec")]
public sealed record FeatureViewSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Entities,
    [property: Id(2)] IReadOnlyList<FieldSpec> Schema,
    [property: Id(3)] string Source,
    [property: Id(4)] IReadOnlyList<string> Sources,
    [property: Id(5)] string Sql,
    [property: Id(6)] string TimestampField,
    [property: Id(7)] string CreatedTimestampField,
    [property: Id(8)] TimeSpan? Ttl,
    [property: Id(9)] bool Online,
    [property: Id(10)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(11)] string Owner,
    [property: Id(12)] string Description);
