namespace MlOps.Orleans.Contracts.Features;

/// <summary>Reads of definitions and training sets over the catalog; stateless, one activation per silo core.</summary>
[Alias("mlops.features.IFeatureQueryGrain")]
public interface IFeatureQueryGrain : IGrainWithIntegerKey
{
    /// <summary>NOT_FOUND when absent.</summary>
    [Alias("GetDefinition")] Task<DefinitionView> GetDefinition(DefinitionKind kind, string name, int? version);

    /// <summary>The latest version of every object of <paramref name="kind"/> (every kind when null).</summary>
    [Alias("ListDefinitions")] Task<IReadOnlyList<DefinitionView>> ListDefinitions(DefinitionKind? kind, bool includeRemoved);

    [Alias("ListVersions")] Task<IReadOnlyList<DefinitionView>> ListVersions(DefinitionKind kind, string name);

    [Alias("GetTrainingDataset")] Task<TrainingDatasetInfo> GetTrainingDataset(string name, int? version);

    [Alias("ListTrainingDatasets")] Task<IReadOnlyList<TrainingDatasetInfo>> ListTrainingDatasets(string name, int maxResults);
}
