using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace MlOps.Orleans.Bench.Offline;

/// <summary>
/// The baseline: the point-in-time join as a plain DuckDB statement written from DuckDB's ASOF JOIN documentation
/// (<c>left ASOF LEFT JOIN right ON left.key = right.key AND left.ts &gt;= right.ts</c>: for each left row the right row
/// with the same key and the greatest <c>ts</c> not after it), one ASOF LEFT JOIN per view, COPY'd to Parquet.
/// It follows the documented retrieval rules (docs/feature-store.md, "Training sets"), not the store's planner:
/// an ASOF join picks an arbitrary row among rows tied on (key, ts), so each view is first cut to one row per
/// (key, event time) with QUALIFY: the greatest created time, then the later file, then the later row. The ttl is
/// checked on the matched row (a match older than the ttl gives nulls). Entity rows keep their input order.
/// </summary>
internal static class BareDuckDbQuery
{
    public static void Run(OfflineBenchData data, int views, int threads, string memoryLimit, string tempDirectory, string output)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"SET threads = {threads}; SET memory_limit = '{memoryLimit}'; SET temp_directory = '{tempDirectory}'; SET TimeZone = 'UTC'; " +
            $"COPY ({Sql(data, views)}) TO '{output}' (FORMAT parquet)");
        command.ExecuteNonQuery();
    }

    public static string Sql(OfflineBenchData data, int views)
    {
        var with = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"WITH e AS (SELECT driver_id, event_timestamp, file_row_number AS n FROM read_parquet('{data.PathOf(OfflineBenchData.EntityKey)}', file_row_number = true))"));
        var select = new StringBuilder("SELECT e.driver_id, e.event_timestamp");
        var from = new StringBuilder("FROM e");
        for (var v = 0; v < views; v++)
        {
            var files = string.Join(", ", data.ViewFiles(v).Select(f => $"'{f}'"));
            // File names part-0 .. part-3 sort in file order, so "the later file" is the greater filename.
            with.Append(CultureInfo.InvariantCulture,
                $"""
                ,
                v{v} AS (SELECT driver_id, event_ts, f0, f1, f2
                         FROM read_parquet([{files}], filename = true, file_row_number = true)
                         QUALIFY row_number() OVER (PARTITION BY driver_id, event_ts ORDER BY created_ts DESC, filename DESC, file_row_number DESC) = 1)
                """);
            var fresh = OfflineBenchData.Ttls[v % OfflineBenchData.Ttls.Length] is { } ttl
                ? string.Create(CultureInfo.InvariantCulture, $"v{v}.event_ts >= e.event_timestamp - INTERVAL {(long)ttl.TotalSeconds} SECOND")
                : "true";
            for (var f = 0; f < 3; f++) select.Append(CultureInfo.InvariantCulture, $", CASE WHEN {fresh} THEN v{v}.f{f} END AS v{v}__f{f}");
            from.Append(CultureInfo.InvariantCulture, $"\nASOF LEFT JOIN v{v} ON e.driver_id = v{v}.driver_id AND e.event_timestamp >= v{v}.event_ts");
        }
        return $"{with}\n{select}\n{from}\nORDER BY e.n";
    }
}
