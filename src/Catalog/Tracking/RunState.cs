using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Tracking;

/// <summary>Everything a run grain needs in memory, loaded on activation.</summary>
public sealed record RunState(
    RunInfo Info,
    Dictionary<string, string> Params,
    Dictionary<string, string> Tags,
    Dictionary<string, MetricPoint> LatestMetrics,
    List<DatasetInput> Inputs,
    List<RunModelLink> ModelLinks,
    Dictionary<string, ulong> IngestCursors,
    long LastSequence);
