namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>What one worker does: partition <see cref="Part"/> of <see cref="Parts"/> (by hash of the join keys) of every view, in order.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.materialization.MaterializationAssignment")]
public sealed record MaterializationAssignment(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Part,
    [property: Id(2)] int Parts,
    [property: Id(3)] IReadOnlyList<MaterializationViewTask> Views);
