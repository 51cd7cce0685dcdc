using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Definitions;
using Orleans.Concurrency;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Grains.Features;

/// <summary>Definition and training-set reads over the catalog; no state, one activation per silo core.</summary>
[StatelessWorker]
public sealed class FeatureQueryGrain(IFeatureCatalog catalog) : Grain, IFeatureQueryGrain
{
    public async Task<DefinitionView> GetDefinition(DefinitionKind kind, string name, int? version)
    {
        var stored = await catalog.GetDefinitionAsync(kind, name, version);
        if (stored is null)
        {
            throw MlopsException.NotFound(version is null
                ? $"{DefinitionKinds.YamlName(kind)} '{name}' does not exist"
                : $"{DefinitionKinds.YamlName(kind)} '{name}' has no version {version}");
        }
        return Decode(stored);
    }

    public async Task<IReadOnlyList<DefinitionView>> ListDefinitions(DefinitionKind? kind, bool includeRemoved) =>
        (await catalog.LatestDefinitionsAsync(includeRemoved)).Where(d => kind is null || d.Kind == kind).Select(Decode).ToList();

    public async Task<IReadOnlyList<DefinitionView>> ListVersions(DefinitionKind kind, string name)
    {
        var versions = await catalog.ListVersionsAsync(kind, name);
        if (versions.Count == 0) throw MlopsException.NotFound($"{DefinitionKinds.YamlName(kind)} '{name}' does not exist");
        return versions.Select(Decode).ToList();
    }

    public async Task<TrainingDatasetInfo> GetTrainingDataset(string name, int? version) =>
        await catalog.GetTrainingDatasetAsync(name, version)
        ?? throw MlopsException.NotFound(version is null ? $"training set '{name}' does not exist" : $"training set '{name}' has no version {version}");

    public Task<IReadOnlyList<TrainingDatasetInfo>> ListTrainingDatasets(string name, int maxResults) =>
        catalog.ListTrainingDatasetsAsync(name, maxResults is <= 0 or > 1000 ? 1000 : maxResults);

    internal static DefinitionView Decode(DefinitionVersion stored) => new(stored, DefinitionJson.Deserialize(stored.Kind, stored.SpecJson));
}
