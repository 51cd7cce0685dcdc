namespace MlOps.Orleans.Contracts.Registry;

/// <summary>Registry searches and name lookups over the catalog; a stateless worker on every silo.</summary>
[Alias("mlops.registry.IRegistryQueryGrain")]
public interface IRegistryQueryGrain : IGrainWithIntegerKey
{
    /// <summary>The id of the model with this name, or null.</summary>
    [Alias("FindModelId")] Task<string?> FindModelId(string name);
    [Alias("SearchModels")] Task<SearchModelsPage> SearchModels(SearchModelsQuery query);
    [Alias("SearchVersions")] Task<SearchVersionsPage> SearchVersions(SearchVersionsQuery query);
    /// <summary>Every version registered from a run (lineage: run → models).</summary>
    [Alias("VersionsForRun")] Task<IReadOnlyList<ModelVersionInfo>> VersionsForRun(string runId);
}
