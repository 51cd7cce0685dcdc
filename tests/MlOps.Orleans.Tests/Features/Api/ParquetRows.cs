using DuckDB.NET.Data;
using MlOps.Orleans.Artifacts;

namespace MlOps.Orleans.Tests.Features.Api;

/// <summary>Reads a Parquet file from the artifact store back into rows with DuckDB, for assertions.</summary>
internal static class ParquetRows
{
    public static async Task<(List<string> Columns, List<object?[]> Rows)> ReadAsync(IArtifactStore store, string key)
    {
        var local = Path.Combine(Path.GetTempPath(), $"mlops-read-{Guid.NewGuid():N}.parquet");
        try
        {
            await using (var content = await store.OpenReadAsync(key))
            await using (var file = File.Create(local))
            {
                await content.Stream.CopyToAsync(file);
            }
            return Read(local);
        }
        finally
        {
            File.Delete(local);
        }
    }

    public static (List<string> Columns, List<object?[]> Rows) Read(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SET TimeZone='UTC'";
        command.ExecuteNonQuery();
        command.CommandText = $"SELECT * FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return (columns, rows);
    }

    /// <summary>Writes rows to a Parquet file with DuckDB from a VALUES list, e.g. <c>(1, 0.5, TIMESTAMP '2025-01-01')</c>.</summary>
    public static void Write(string path, string columns, IEnumerable<string> values)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"COPY (SELECT * FROM (VALUES {string.Join(", ", values)}) AS t({columns})) TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
        command.ExecuteNonQuery();
    }
}
