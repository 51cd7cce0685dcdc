using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Definitions were refused. Carries every error found, not just the first, so a user can fix a repository in one pass.
/// </summary>
public sealed class FeatureDefinitionException : Exception
{
    public FeatureDefinitionException(IReadOnlyList<DefinitionError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public FeatureDefinitionException()
        : this([])
    {
    }

    public FeatureDefinitionException(string message)
        : base(message)
    {
        Errors = [];
    }

    public FeatureDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<DefinitionError> Errors { get; }

    private static string Describe(IReadOnlyList<DefinitionError> errors) => errors.Count switch
    {
        0 => "Definitions were refused.",
        1 => errors[0].ToString(),
        _ => $"{errors.Count} definition errors: " + string.Join("; ", errors),
    };
}
