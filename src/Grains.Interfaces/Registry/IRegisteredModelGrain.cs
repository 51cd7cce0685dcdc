namespace MlOps.Orleans.Contracts.Registry;

/// <summary>Single writer of one registered model and all its versions, keyed by an immutable id (renames move nothing).</summary>
[Alias("mlops.registry.IRegisteredModelGrain")]
public interface IRegisteredModelGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<RegisteredModelInfo> Create(CreateRegisteredModel command);
    [Alias("Get")] Task<RegisteredModelInfo> Get();
    [Alias("Rename")] Task<RegisteredModelInfo> Rename(string newName);
    [Alias("UpdateDescription")] Task<RegisteredModelInfo> UpdateDescription(string description);
    [Alias("Delete")] Task Delete();
    [Alias("SetTag")] Task SetTag(string key, string value);
    [Alias("DeleteTag")] Task DeleteTag(string key);

    [Alias("CreateVersion")] Task<ModelVersionInfo> CreateVersion(CreateModelVersion command);
    [Alias("GetVersion")] Task<ModelVersionInfo> GetVersion(long version);
    [Alias("UpdateVersion")] Task<ModelVersionInfo> UpdateVersion(long version, string description);
    [Alias("DeleteVersion")] Task DeleteVersion(long version);
    [Alias("SetVersionTag")] Task SetVersionTag(long version, string key, string value);
    [Alias("DeleteVersionTag")] Task DeleteVersionTag(long version, string key);
    [Alias("TransitionStage")] Task<ModelVersionInfo> TransitionStage(long version, ModelStage stage, bool archiveExisting);
    [Alias("GetLatestVersions")] Task<IReadOnlyList<ModelVersionInfo>> GetLatestVersions(IReadOnlyList<ModelStage> stages);

    [Alias("SetAlias")] Task SetAlias(string alias, long version);
    [Alias("DeleteAlias")] Task DeleteAlias(string alias);
    [Alias("ResolveAlias")] Task<ModelVersionInfo> ResolveAlias(string alias);

    [Alias("Promote")] Task<PromotionRecord> Promote(PromotionRequest request);
    [Alias("ListPromotions")] Task<IReadOnlyList<PromotionRecord>> ListPromotions();
    [Alias("GetLineage")] Task<LineageGraph> GetLineage(long version);
}
