namespace MlOps.Orleans.Tracking;

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
    [Alias("GetMetricHistory")] Task<MetricHistoryPage> GetMetricHistory(MetricHistoryQuery query);
    /// <summary>Stored points with a sequence above <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>.</summary>
    [Alias("ReadSince")] Task<IReadOnlyList<SequencedMetric>> ReadSince(long afterSequence, int limit);
    /// <summary>Where this activation lives; tests use it to prove placement.</summary>
    [Alias("GetSilo")] Task<string> GetSilo();
}
