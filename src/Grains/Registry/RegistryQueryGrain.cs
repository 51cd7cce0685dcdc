using MlOps.Orleans.Catalog.Registry;
using Orleans.Concurrency;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Grains.Registry;

/// <summary>Registry reads over the catalog; no state, one activation per silo core.</summary>
[StatelessWorker]
public sealed class RegistryQueryGrain(IRegistryStore store) : Grain, IRegistryQueryGrain
{
    public Task<string?> FindModelId(string name) => store.FindModelIdAsync(name);

    public Task<SearchModelsPage> SearchModels(SearchModelsQuery query) => store.SearchModelsAsync(query);

    public Task<SearchVersionsPage> SearchVersions(SearchVersionsQuery query) => store.SearchVersionsAsync(query);

    public Task<IReadOnlyList<ModelVersionInfo>> VersionsForRun(string runId) => store.VersionsForRunAsync(runId);
}
