using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Catalog.Registry;

/// <summary>A registered model's own row.</summary>
public sealed record ModelRow(string ModelId, string Name, string Description, long CreationTime, long LastUpdatedTime, string UserId);

/// <summary>Everything a model grain keeps in memory, loaded on activation. Version records carry no aliases; the grain adds them.</summary>
public sealed record RegistryState(
    ModelRow Model,
    Dictionary<string, string> Tags,
    SortedDictionary<long, ModelVersionInfo> Versions,
    Dictionary<string, long> Aliases,
    List<PromotionRecord> Promotions,
    long LastVersion);

/// <summary>A pinned file of a model version.</summary>
public sealed record VersionFile(string Path, long Size, string Sha256);

/// <summary>One model mutation, applied atomically.</summary>
public sealed record ModelWrite(string ModelId)
{
    public ModelRow? Model { get; init; }
    public bool IsNew { get; init; }
    public bool DeleteModel { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> TagUpserts { get; init; } = [];
    public IReadOnlyList<string> TagDeletes { get; init; } = [];
    /// <summary>Versions inserted: the (model, version) primary key refuses a number given out twice.</summary>
    public IReadOnlyList<ModelVersionInfo> VersionInserts { get; init; } = [];
    /// <summary>Versions whose row and tags are replaced.</summary>
    public IReadOnlyList<ModelVersionInfo> VersionUpdates { get; init; } = [];
    public IReadOnlyList<long> VersionDeletes { get; init; } = [];
    public IReadOnlyList<(long Version, VersionFile File)> VersionFiles { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, long>> AliasUpserts { get; init; } = [];
    public IReadOnlyList<string> AliasDeletes { get; init; } = [];
    public IReadOnlyList<PromotionRecord> Promotions { get; init; } = [];
}
