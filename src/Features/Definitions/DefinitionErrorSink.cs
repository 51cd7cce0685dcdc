using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>Collects every error (and warning) of a parse or validation pass, so nothing stops at the first problem.</summary>
internal sealed class DefinitionErrorSink
{
    private readonly List<DefinitionError> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<DefinitionError> Errors => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    public void Error(string file, DefinitionKind kind, string name, string reason) =>
        _errors.Add(new DefinitionError(file, kind, name, reason));

    public void Warning(string file, DefinitionKind kind, string name, string message) =>
        _warnings.Add(new DefinitionError(file, kind, name, message).ToString());
}
