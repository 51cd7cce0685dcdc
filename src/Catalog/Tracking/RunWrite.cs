using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Tracking;

/// <summary>
/// One run mutation, applied atomically: the grain computes it against its in-memory state, the store commits it.
/// Info is written when set (inserted when IsNew).
/// </summary>
public sealed record RunWrite(string RunId)
{
    public RunInfo? Info { get; init; }
    public bool IsNew { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> NewParams { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> TagUpserts { get; init; } = [];
    public IReadOnlyList<string> TagDeletes { get; init; } = [];
    public IReadOnlyList<SequencedMetric> Metrics { get; init; } = [];
    public IReadOnlyList<MetricPoint> LatestUpserts { get; init; } = [];
    public IReadOnlyList<DatasetInput> NewInputs { get; init; } = [];
    public IReadOnlyList<RunModelLink> NewModelLinks { get; init; } = [];
    public (string WriterId, ulong Sequence)? IngestCursor { get; init; }
}
