namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>Single writer of one run, keyed by its 32-hex-character id.</summary>
[Alias("mlops.tracking.IRunGrain")]
public interface IRunGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<RunSnapshot> Create(CreateRun command);
    [Alias("Get")] Task<RunSnapshot> Get();
    [Alias("Update")] Task<RunInfo> Update(UpdateRun command);
    [Alias("Delete")] Task<RunInfo> Delete();
    [Alias("Restore")] Task<RunInfo> Restore();
    [Alias("SetTag")] Task SetTag(string key, string value);
    [Alias("DeleteTag")] Task DeleteTag(string key);
    [Alias("LogBatch")] Task<LogResult> LogBatch(LogBatch batch);
    [Alias("LogMetric")] Task<long> LogMetric(MetricPoint point);
    [Alias("Ingest")] Task<ulong> Ingest(IngestBatch batch);
    [Alias("LogInputs")] Task LogInputs(IReadOnlyList<DatasetInput> inputs);
    /// <summary>Links logged models to the run as outputs (runs/outputs) or inputs (runs/log-inputs models).</summary>
    [Alias("LinkModels")] Task LinkModels(IReadOnlyList<RunModelLink> links);
    [Alias("GetMetricHistory")] Task<MetricHistoryPage> GetMetricHistory(MetricHistoryQuery query);
    /// <summary>Stored points with a sequence above <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>.</summary>
    [Alias("ReadSince")] Task<IReadOnlyList<SequencedMetric>> ReadSince(long afterSequence, int limit);
    /// <summary>
    /// Registers or renews a live subscriber for <paramref name="lease"/>: the run publishes its points on its metrics
    /// stream only while some lease is held, so runs nobody watches cost the stream agents nothing. Returns the run's last
    /// sequence, so a renewing subscriber sees what it missed while no lease was held (after a deactivation).
    /// </summary>
    [Alias("Watch")] Task<long> Watch(Guid watcher, TimeSpan lease);
    /// <summary>Ends a subscriber's lease at once (it would otherwise end when not renewed).</summary>
    [Alias("Unwatch")] Task Unwatch(Guid watcher);
    /// <summary>The run's key prefix in the artifact store: <c>&lt;experimentId&gt;/&lt;runId&gt;/artifacts</c>.</summary>
    [Alias("GetArtifactRoot")] Task<string> GetArtifactRoot();
    /// <summary>Records (or replaces) a stored artifact's size and digest; the run must be active.</summary>
    [Alias("RecordArtifact")] Task RecordArtifact(ArtifactFile file);
    /// <summary>Recorded artifacts under a directory ("" for the root), one level or recursively, ordered by path.</summary>
    [Alias("ListArtifacts")] Task<IReadOnlyList<ArtifactFile>> ListArtifacts(string directory, bool recursive);
    /// <summary>Forgets a recorded file, or every file under a directory.</summary>
    [Alias("RemoveArtifacts")] Task RemoveArtifacts(string path);
    /// <summary>Where this activation lives; tests use it to prove placement.</summary>
    [Alias("GetSilo")] Task<string> GetSilo();
}
