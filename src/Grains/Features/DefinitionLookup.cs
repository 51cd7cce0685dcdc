using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Grains.Features;

/// <summary>
/// Definitions read for one request, each decoded once: a request names the same view many times. Feature views come from
/// their grains (decoded once per activation, kept across requests); other kinds from the catalog.
/// </summary>
internal sealed class DefinitionLookup(IFeatureCatalog catalog, IGrainFactory? grains = null)
{
    private readonly Dictionary<(DefinitionKind, string, int?), DefinitionView?> _seen = [];

    public async Task<DefinitionView?> FindAsync(DefinitionKind kind, string name, int? version)
    {
        if (_seen.TryGetValue((kind, name, version), out var cached)) return cached;
        DefinitionView? view;
        if (kind == DefinitionKind.FeatureView && grains is not null)
        {
            view = await grains.GetGrain<IFeatureViewGrain>(name).Find(version);
        }
        else
        {
            var stored = await catalog.GetDefinitionAsync(kind, name, version);
            view = stored is null ? null : new DefinitionView(stored, DefinitionJson.Deserialize(stored.Kind, stored.SpecJson));
        }
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
