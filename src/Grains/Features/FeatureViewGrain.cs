using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Grains.Features;

/// <summary>
/// One feature view: its versions decoded once and kept while the activation lives. Only an apply changes a stored version
/// (and then only its metadata, or the latest's removal mark); the registry invalidates the view after every apply touching it.
/// </summary>
public sealed class FeatureViewGrain(IFeatureCatalog catalog) : Grain, IFeatureViewGrain
{
    private readonly Dictionary<int, DefinitionView> _versions = [];
    private DefinitionView? _latest;
    private bool _latestKnown;

    public async Task<DefinitionView?> Find(int? version)
    {
        var name = this.GetPrimaryKeyString();
        if (version is null)
        {
            if (_latestKnown) return _latest;
            var stored = await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, name, null);
            _latest = stored is null ? null : Decode(stored);
            _latestKnown = true;
            return _latest;
        }
        if (_versions.TryGetValue(version.Value, out var cached)) return cached;
        var row = await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, name, version.Value);
        return row is null ? null : _versions[row.Version] = Decode(row);
    }

    public async Task<FeatureViewSpecVersion> Get(int? version)
    {
        var name = this.GetPrimaryKeyString();
        var found = await Find(version);
        if (found is null || (version is null && found.Version.Removed))
        {
            throw MlopsException.NotFound(version is null ? $"feature view '{name}' does not exist" : $"feature view '{name}' has no version {version}");
        }
        return new FeatureViewSpecVersion((FeatureViewSpec)found.Spec, found.Version.Version, found.Version.Digest);
    }

    public Task Invalidate()
    {
        _latest = null;
        _latestKnown = false;
        _versions.Clear();
        return Task.CompletedTask;
    }

    private static DefinitionView Decode(DefinitionVersion stored) => new(stored, DefinitionJson.Deserialize(DefinitionKind.FeatureView, stored.SpecJson));
}
