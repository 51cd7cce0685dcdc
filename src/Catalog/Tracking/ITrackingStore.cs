using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Tracking;

/// <summary>The tracking catalog: the durable home of experiments and runs. Writes commit with fsync before returning.</summary>
public interface ITrackingStore
{
    /// <summary>Where experiments created without an artifact_location keep artifacts (null: this server's store).</summary>
    string? DefaultArtifactRoot => null;

    Task<ExperimentInfo?> LoadExperimentAsync(string experimentId, CancellationToken ct = default);

    /// <summary>Inserts or replaces an experiment row and its tags; throws AlreadyExists on a name clash.</summary>
    Task WriteExperimentAsync(ExperimentInfo experiment, bool isNew, CancellationToken ct = default);

    Task<string?> FindExperimentIdAsync(string name, CancellationToken ct = default);

    /// <summary>An active experiment whose location equals, contains or lies below this mlflow-artifacts:/ location, or null.</summary>
    Task<string?> FindOverlappingLocationAsync(string location, CancellationToken ct = default);

    /// <summary>The active experiment whose artifact_location is the deepest of these (exactly), or null.</summary>
    Task<string?> FindExperimentByLocationAsync(IReadOnlyList<string> locations, CancellationToken ct = default);

    Task<SearchExperimentsPage> SearchExperimentsAsync(SearchExperimentsQuery query, CancellationToken ct = default);

    Task<RunState?> LoadRunAsync(string runId, CancellationToken ct = default);

    /// <summary>Applies one run mutation in one transaction; returns the metric points actually stored (retried duplicates are not).</summary>
    Task<IReadOnlyList<SequencedMetric>> WriteRunAsync(RunWrite write, CancellationToken ct = default);

    Task<IReadOnlyList<SequencedMetric>> ReadMetricsSinceAsync(string runId, long afterSequence, int limit, CancellationToken ct = default);

    /// <summary>Points of one key ordered by (step, timestamp, value bits), after an exclusive cursor.</summary>
    Task<IReadOnlyList<MetricPoint>> ReadMetricHistoryAsync(string runId, string key, long? startStep, long? endStep,
        HistoryCursor? after, int limit, CancellationToken ct = default);

    Task<SearchRunsPage> SearchRunsAsync(SearchRunsQuery query, CancellationToken ct = default);

    Task RecordArtifactAsync(string runId, ArtifactFile file, CancellationToken ct = default);

    /// <summary>Files whose path starts with <paramref name="prefix"/> ("" for all), ordered by path.</summary>
    Task<IReadOnlyList<ArtifactFile>> ListArtifactsAsync(string runId, string prefix, CancellationToken ct = default);

    /// <summary>Removes the file at <paramref name="path"/> and every file under <c>path/</c>.</summary>
    Task RemoveArtifactsAsync(string runId, string path, CancellationToken ct = default);

    /// <summary>Ids of an experiment's runs in one lifecycle stage.</summary>
    Task<IReadOnlyList<string>> ListRunIdsAsync(string experimentId, LifecycleStage stage, CancellationToken ct = default);

    /// <summary>The distinct datasets (name, digest, context) the active runs of these experiments logged, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DatasetSummary>> SearchDatasetsAsync(IReadOnlyList<string> experimentIds, int limit, CancellationToken ct = default);

    Task<bool> PingAsync(CancellationToken ct = default);
}

/// <summary>Position in a metric history: the last point returned.</summary>
public readonly record struct HistoryCursor(long Step, long Timestamp, long ValueBits);
