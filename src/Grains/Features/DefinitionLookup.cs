using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Features.Definitions;

namespace MlOps.Orleans.Features;

/// <summary>Definitions read for one request, each decoded once: a request names the same view many times.</summary>
internal sealed class DefinitionLookup(IFeatureCatalog catalog)
{
    private readonly Dictionary<(DefinitionKind, string, int?), DefinitionView?> _seen = [];

    public async Task<DefinitionView?> FindAsync(DefinitionKind kind, string name, int? version)
    {
        if (_seen.TryGetValue((kind, name, version), out var cached)) return cached;
        var stored = await catalog.GetDefinitionAsync(kind, name, version);
        var view = stored is null ? null : new DefinitionView(stored, DefinitionJson.Deserialize(stored.Kind, stored.SpecJson));
        _seen[(kind, name, version)] = view;
        return view;
    }

    /// <summary>The latest live version's spec, or null when absent or removed.</summary>
    public async Task<T?> LiveAsync<T>(DefinitionKind kind, string name) where T : class
    {
        var found = await FindAsync(kind, name, null);
        return found is null || found.Version.Removed ? null : (T)found.Spec;
    }
}
