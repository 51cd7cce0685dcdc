using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>What every check needs: the repository indexed by name, where each spec came from, and the error sink.</summary>
internal sealed class ValidationContext
{
    private readonly Func<object, string> _fileOf;

    public ValidationContext(FeatureRepository repository, Func<object, string> fileOf, IReadOnlyList<string> allowedFileRoots)
    {
        Repository = repository;
        _fileOf = fileOf;
        AllowedFileRoots = allowedFileRoots;
        // The first definition of a name is the one references resolve to; later ones are reported as duplicates.
        Entities = FirstByName(repository.Entities, e => e.Name);
        Sources = FirstByName(repository.Sources, s => s.Name);
        Views = FirstByName(repository.FeatureViews, v => v.Name);
        OnDemand = FirstByName(repository.OnDemandViews, o => o.Name);
    }

    public FeatureRepository Repository { get; }

    public IReadOnlyList<string> AllowedFileRoots { get; }

    public DefinitionErrorSink Sink { get; } = new();

    public IReadOnlyDictionary<string, EntitySpec> Entities { get; }

    public IReadOnlyDictionary<string, DataSourceSpec> Sources { get; }

    public IReadOnlyDictionary<string, FeatureViewSpec> Views { get; }

    public IReadOnlyDictionary<string, OnDemandFeatureViewSpec> OnDemand { get; }

    public string FileOf(object spec) => _fileOf(spec);

    public void Error(object spec, string reason) =>
        Sink.Error(FileOf(spec), DefinitionJson.KindOf(spec), DefinitionJson.NameOf(spec), reason);

    public void Warning(object spec, string message) =>
        Sink.Warning(FileOf(spec), DefinitionJson.KindOf(spec), DefinitionJson.NameOf(spec), message);

    /// <summary>The features a view offers to on-demand views and services: schema fields, or on-demand outputs.</summary>
    public IReadOnlyList<FieldSpec>? FeaturesOf(string view) =>
        Views.TryGetValue(view, out var v) ? v.Schema
        : OnDemand.TryGetValue(view, out var o) ? o.Outputs.Select(x => x.Field).ToList()
        : null;

    private static Dictionary<string, T> FirstByName<T>(IEnumerable<T> items, Func<T, string> name)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            result.TryAdd(name(item), item);
        }
        return result;
    }
}
