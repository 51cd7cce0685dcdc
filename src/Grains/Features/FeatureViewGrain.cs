using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Common;
using MlOps.Orleans.Features.Definitions;

namespace MlOps.Orleans.Features;

/// <summary>
/// One feature view: its versions decoded once and kept while the activation lives. Versions other than metadata never change,
/// so only the latest needs dropping when the registry applies a change.
/// </summary>
public sealed class FeatureViewGrain(IFeatureCatalog catalog) : Grain, IFeatureViewGrain
{
    private readonly Dictionary<int, FeatureViewSpecVersion> _versions = [];
    private FeatureViewSpecVersion? _latest;

    public async Task<FeatureViewSpecVersion> Get(int? version)
    {
        var name = this.GetPrimaryKeyString();
        if (version is null)
        {
            if (_latest is not null) return _latest;
            var stored = await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, name, null);
            if (stored is null || stored.Removed) throw MlopsException.NotFound($"feature view '{name}' does not exist");
            return _latest = Decode(stored);
        }
        if (_versions.TryGetValue(version.Value, out var cached)) return cached;
        var row = await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, name, version.Value)
                  ?? throw MlopsException.NotFound($"feature view '{name}' has no version {version}");
        // Kept until the registry invalidates: only an apply changes a stored version (and then only its metadata).
        return _versions[row.Version] = Decode(row);
    }

    public Task Invalidate()
    {
        _latest = null;
        _versions.Clear();
        return Task.CompletedTask;
    }

    private static FeatureViewSpecVersion Decode(DefinitionVersion stored) =>
        new((FeatureViewSpec)DefinitionJson.Deserialize(DefinitionKind.FeatureView, stored.SpecJson), stored.Version, stored.Digest);
}
