using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Catalog.Features;

/// <summary>Feature definitions, their applies and the training sets made from them. Writes commit durably before returning.</summary>
public interface IFeatureCatalog
{
    /// <summary>The revision of the last apply (0 before any); a plan made at one revision applies only at that revision.</summary>
    Task<long> CurrentRevisionAsync(CancellationToken ct = default);

    /// <summary>The latest version of every object; removed ones only when <paramref name="includeRemoved"/>.</summary>
    Task<IReadOnlyList<DefinitionVersion>> LatestDefinitionsAsync(bool includeRemoved, CancellationToken ct = default);

    /// <summary>One version of one object (null: its latest); null when there is no such version.</summary>
    Task<DefinitionVersion?> GetDefinitionAsync(DefinitionKind kind, string name, int? version, CancellationToken ct = default);

    /// <summary>Every version of one object, oldest first.</summary>
    Task<IReadOnlyList<DefinitionVersion>> ListVersionsAsync(DefinitionKind kind, string name, CancellationToken ct = default);

    /// <summary>
    /// Performs every write of one apply in one transaction and returns the new revision.
    /// FAILED_PRECONDITION when another apply landed since <paramref name="expectedRevision"/>: nothing is written.
    /// </summary>
    Task<long> ApplyDefinitionsAsync(long expectedRevision, IReadOnlyList<DefinitionWrite> writes, string userId, string changesJson,
        CancellationToken ct = default);

    /// <summary>
    /// Records a training set as the next version of its name, or returns the existing version with the same digest
    /// (the same request over the same data is one dataset, not a new version each time).
    /// </summary>
    Task<TrainingDatasetInfo> AddTrainingDatasetAsync(TrainingDatasetInfo candidate, CancellationToken ct = default);

    /// <summary>One version of a training set (null: the latest); null when absent.</summary>
    Task<TrainingDatasetInfo?> GetTrainingDatasetAsync(string name, int? version, CancellationToken ct = default);

    /// <summary>Training sets, newest first; every name when <paramref name="name"/> is empty.</summary>
    Task<IReadOnlyList<TrainingDatasetInfo>> ListTrainingDatasetsAsync(string name, int limit, CancellationToken ct = default);
}

/// <summary>One row an apply writes. <see cref="Action"/> says how: a new version row, a metadata rewrite, or a removal mark.</summary>
public sealed record DefinitionWrite(DefinitionKind Kind, string Name, PlanAction Action, int Version, string Digest, string SpecJson);
