using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>What an apply would do: one change per object (unchanged ones included) and the writes that perform it.</summary>
public sealed record RepositoryPlan(IReadOnlyList<PlanChange> Changes, IReadOnlyList<PlannedWrite> Writes)
{
    public bool HasChanges => Writes.Count > 0;

    public PlanResult ToResult(IReadOnlyList<DefinitionError> errors, IReadOnlyList<string> warnings, long revision) =>
        new(Changes, errors, warnings, revision);
}
