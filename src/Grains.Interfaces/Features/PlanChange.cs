namespace MlOps.Orleans.Contracts.Features;

/// <summary>One line of a plan: what would happen to one object, and why.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.PlanChange")]
public sealed record PlanChange(
    [property: Id(0)] DefinitionKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] PlanAction Action,
    [property: Id(3)] int FromVersion,
    [property: Id(4)] int ToVersion,
    [property: Id(5)] IReadOnlyList<string> Details);

/// <summary>The result of a plan or an apply; when <see cref="Errors"/> is not empty nothing was (or would be) applied.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.PlanResult")]
public sealed record PlanResult(
    [property: Id(0)] IReadOnlyList<PlanChange> Changes,
    [property: Id(1)] IReadOnlyList<DefinitionError> Errors,
    [property: Id(2)] IReadOnlyList<string> Warnings,
    [property: Id(3)] long Revision);
