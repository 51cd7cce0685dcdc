using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace MlOps.Orleans.Bench.Offline;

/// <summary>
/// The baseline: the same point-in-time join written by hand as one DuckDB statement, COPY'd to Parquet. Same rules as
/// the store (ASOF on the order key (event_ts, created_ts, file, row), ttl on the matched row, rows in entity order), same
/// files, same DuckDB settings; no sandbox, no type checks, no on-demand pass, DuckDB's own Parquet writer.
/// </summary>
internal static class BareDuckDbQuery
{
    public static void Run(OfflineBenchData data, int views, int threads, string memoryLimit, string tempDirectory, string output)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"SET threads = {threads}; SET memory_limit = '{memoryLimit}'; SET temp_directory = '{tempDirectory}'; SET TimeZone = 'UTC'; COPY ({Sql(data, views)}) TO '{output}' (FORMAT parquet)");
        command.ExecuteNonQuery();
    }

    public static string Sql(OfflineBenchData data, int views)
    {
        var select = new StringBuilder("SELECT e.driver_id, e.event_timestamp");
        var from = new StringBuilder($"FROM (SELECT *, file_row_number AS n FROM read_parquet('{data.PathOf(OfflineBenchData.EntityKey)}')) e");
        const string probe = "struct_pack(e := e.event_timestamp, c := 'infinity'::TIMESTAMP, f := 9223372036854775807::BIGINT, r := 9223372036854775807::BIGINT)";
        for (var v = 0; v < views; v++)
        {
            var ttl = OfflineBenchData.Ttls[v % OfflineBenchData.Ttls.Length];
            var window = $"v{v}.event_ts <= e.event_timestamp" + (ttl is { } t ? string.Create(CultureInfo.InvariantCulture, $" AND v{v}.event_ts >= e.event_timestamp - INTERVAL {t.TotalDays} DAY") : "");
            for (var f = 0; f < 3; f++) select.Append(CultureInfo.InvariantCulture, $", CASE WHEN {window} THEN v{v}.f{f} END AS v{v}__f{f}");
            var files = string.Join(", ", Enumerable.Range(0, OfflineBenchData.FilesPerView).Select(i => $"'{data.PathOf(OfflineBenchData.ViewKey(v, i))}'"));
            from.Append(CultureInfo.InvariantCulture,
                $"""

                ASOF LEFT JOIN (SELECT driver_id, event_ts, f0, f1, f2,
                    struct_pack(e := event_ts, c := coalesce(created_ts, '-infinity'::TIMESTAMP), f := file_index::BIGINT, r := file_row_number::BIGINT) AS k
                  FROM read_parquet([{files}]) WHERE driver_id IS NOT NULL AND event_ts IS NOT NULL) v{v}
                  ON e.driver_id = v{v}.driver_id AND {probe} >= v{v}.k
                """);
        }
        return $"{select}\n{from}\nORDER BY e.n";
    }
}
