namespace MlOps.Orleans.Contracts.Features;

/// <summary>One output of an on-demand view: its typed field and the expression that computes it.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.OnDemandOutput")]
public sealed record OnDemandOutput(
    [property: Id(0)] FieldSpec Field,
    [property: Id(1)] string Expression);

/// <summary>
/// Features computed at request time from other views' features and request fields, by expressions that are evaluated by the
/// same code offline (on a training set) and online. Expressions name inputs as <c>view__feature</c>, or a bare feature or request
/// field name when it is unambiguous; they cannot do I/O.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.OnDemandFeatureViewSpec")]
public sealed record OnDemandFeatureViewSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Inputs,
    [property: Id(2)] IReadOnlyList<FieldSpec> RequestSchema,
    [property: Id(3)] IReadOnlyList<OnDemandOutput> Outputs,
    [property: Id(4)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(5)] string Owner,
    [property: Id(6)] string Description);
