using System.Globalization;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Gateway.Timing;

/// <summary>
/// <c>GET /debug/stages</c>: every stage histogram of this process since it started, buckets included, so that a reader
/// diffs two answers and reads a window's count, mean and percentiles (bench/MlOps.Orleans.Bench/Stages does).
/// Mapped with the other /debug views, so it answers 404 (DiagnosticsErrors' shape) when diagnostics are off.
/// </summary>
internal static class StageEndpoints
{
    public const string Path = "/debug/stages";

    public static void Map(WebApplication app) =>
        app.MapGet(Path, (StageListener listener, IServiceProvider services) => Results.Json(Report(listener, services.GetService<IStageProcess>())));

    internal static object Report(StageListener listener, IStageProcess? process) => new
    {
        meter = Stages.MeterName,
        unit = Stages.Unit,
        process = new
        {
            role = process?.Role ?? "gateway",
            silo = process?.Silo,
            machine = Environment.MachineName,
            pid = Environment.ProcessId,
        },
        since = listener.StartedAt.ToString("O", CultureInfo.InvariantCulture),
        taken_at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        bucket_layout = new
        {
            kind = "log",
            min_ms = LogBuckets.MinMs,
            max_ms = LogBuckets.MaxMs,
            growth = LogBuckets.Growth,
            count = LogBuckets.Count,
            rule = "bucket 0: below min_ms; bucket i in 1..count-2: [min_ms*growth^(i-1), min_ms*growth^i); bucket count-1: max_ms and above",
        },
        stages = listener.Snapshot().Select(s => new
        {
            stage = Stages.StageOf(s.Key.Instrument),
            instrument = s.Key.Instrument,
            tags = s.Key.Tags(),
            count = s.Snapshot.Count,
            sum_ms = s.Snapshot.SumMs,
            // Sparse [index, count] pairs: a few dozen of the ~460 buckets are ever used by one stage.
            buckets = s.Snapshot.NonEmpty().Select(b => new[] { b.Index, b.Count }).ToList(),
        }).ToList(),
    };
}
