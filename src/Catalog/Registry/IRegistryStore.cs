using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Catalog.Registry;

/// <summary>The registry part of the catalog. Writes commit durably before returning.</summary>
public interface IRegistryStore
{
    Task<RegistryState?> LoadModelAsync(string modelId, CancellationToken ct = default);

    /// <summary>Applies one model mutation atomically; AlreadyExists on a name clash or a version number taken twice.</summary>
    Task WriteModelAsync(ModelWrite write, CancellationToken ct = default);

    Task<string?> FindModelIdAsync(string name, CancellationToken ct = default);

    Task<SearchModelsPage> SearchModelsAsync(SearchModelsQuery query, CancellationToken ct = default);

    Task<SearchVersionsPage> SearchVersionsAsync(SearchVersionsQuery query, CancellationToken ct = default);

    Task<IReadOnlyList<ModelVersionInfo>> VersionsForRunAsync(string runId, CancellationToken ct = default);
}
