using MlOps.Orleans.Contracts.Features.Materialization;
namespace MlOps.Orleans.Grains.Features.Materialization;

/// <summary>
/// What the coordinator keeps in the catalog (as JSON) so a new activation can take a running job up again: the request,
/// the plan (views, versions, windows, partitions) and each partition's last cumulative report.
/// </summary>
internal sealed class MaterializationJobState
{
    public required MaterializationRequest Request { get; init; }

    public required List<PlannedView> Views { get; init; }

    public required List<PartState> Parts { get; init; }

    public required DateTime CreatedAt { get; init; }

    public bool AllStopped => Parts.TrueForAll(p => p.Stopped);

    internal sealed record PlannedView(string View, int Version, DateTime Start, DateTime End)
    {
        public bool IsEmpty => End < Start;
    }

    internal sealed class PartState
    {
        public required long[] RowsRead { get; set; }

        public required long[] RowsWritten { get; set; }

        public bool Stopped { get; set; }

        public int FailedView { get; set; } = -1;

        public string? Error { get; set; }
    }

    public MaterializationJobInfo ToInfo(string jobId, MaterializationStatus status, string? error, DateTime? finishedAt)
    {
        var views = Views.Select((v, i) => new MaterializationViewProgress(v.View, v.Version, v.Start, v.End,
            Parts.Sum(p => p.RowsRead[i]), Parts.Sum(p => p.RowsWritten[i]),
            Parts.FirstOrDefault(p => p.FailedView == i && p.Error is not null)?.Error)).ToList();
        return new MaterializationJobInfo(jobId, status, views, Parts.Count, CreatedAt, finishedAt, error);
    }
}
