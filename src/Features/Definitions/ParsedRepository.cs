using System.Runtime.CompilerServices;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// A feature repository as parsed from its files, the parse errors, and which file each definition came from, so later
/// validation can name the file of every error. Duplicated definitions are kept (the validator reports them).
/// </summary>
public sealed class ParsedRepository
{
    private readonly ConditionalWeakTable<object, string> _files;

    internal ParsedRepository(
        FeatureRepository repository, IReadOnlyList<DefinitionError> errors, ConditionalWeakTable<object, string> files)
    {
        Repository = repository;
        Errors = errors;
        _files = files;
    }

    public FeatureRepository Repository { get; }

    /// <summary>Syntax and shape errors; a repository with any is not valid, but the parsed rest can still be validated.</summary>
    public IReadOnlyList<DefinitionError> Errors { get; }

    /// <summary>The path of the file that defined this very spec instance, or "" for one not from this parse.</summary>
    public string FileOf(object spec) => _files.TryGetValue(spec, out var file) ? file : "";
}
