namespace MlOps.Orleans.Contracts.Features;

/// <summary>An entity: a name and the join keys (with their value types) that identify one instance of it.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.EntitySpec")]
public sealed record EntitySpec(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<FieldSpec> JoinKeys,
    [property: Id(2)] string Description,
    [property: Id(3)] IReadOnlyDictionary<string, string> Tags);
