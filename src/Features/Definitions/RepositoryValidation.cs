using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>The outcome of validating a whole repository: every error (nothing may be applied if there is one) and warnings.</summary>
public sealed record RepositoryValidation(IReadOnlyList<DefinitionError> Errors, IReadOnlyList<string> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}
