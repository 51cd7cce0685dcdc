using System.Diagnostics.Metrics;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Grains.Features.Materialization;

/// <summary>
/// Materialization progress as an exporter sees it: rows written into the online store, per view, counted as each shard
/// batch is acknowledged (the job's own progress report counts the same rows). Its rate is the materialization throughput.
/// </summary>
internal static class MaterializationMetrics
{
    public static readonly Counter<long> RowsWritten = Stages.Meter.CreateCounter<long>("mlops.materialization.rows_written", "{row}",
        "Rows a materialization job wrote into the online store, per feature view");

    public static void Written(string view, int rows)
    {
        if (RowsWritten.Enabled) RowsWritten.Add(rows, new KeyValuePair<string, object?>("view", view));
    }
}
