using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DuckDB.NET.Data;

namespace MlOps.Orleans.Bench.Offline;

/// <summary>
/// A digest of a training set's content, independent of the Parquet writer (the store's SHA-256 covers its own file
/// bytes, which DuckDB's writer never reproduces). Rules, the same for both sides:
/// rows in file order (the documented order: entity rows in input order); columns <c>driver_id</c>,
/// <c>event_timestamp</c> as microseconds since the epoch, then <c>v{i}__f0</c> (float64), <c>v{i}__f1</c> (int64),
/// <c>v{i}__f2</c> (float32) per view; floating values rounded to 6 decimals (float32 widened to float64 first, so a
/// float32 written as float64 by one side still matches) and printed with "R"; null as <c>\N</c>; one line per row,
/// fields joined by '|', lines ended by '\n', UTF-8, SHA-256, hex.
/// </summary>
internal static class TrainingSetDigest
{
    public static (string Digest, long Rows) Compute(string parquet, int views)
    {
        var columns = new List<string> { "driver_id::BIGINT", "epoch_us(event_timestamp)" };
        for (var v = 0; v < views; v++)
        {
            columns.Add($"round(v{v}__f0::DOUBLE, 6)");
            columns.Add($"v{v}__f1::BIGINT");
            columns.Add($"round(v{v}__f2::DOUBLE, 6)");
        }
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SET threads = 1; SET TimeZone = 'UTC'";
        command.ExecuteNonQuery();
        // file_row_number pins the order to the file's, whatever DuckDB's scan would otherwise do with two threads.
        command.CommandText = $"SELECT {string.Join(", ", columns)} FROM read_parquet('{parquet}', file_row_number = true) ORDER BY file_row_number";
        using var reader = command.ExecuteReader();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        long rows = 0;
        while (reader.Read())
        {
            line.Clear();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (i > 0) line.Append('|');
                line.Append(Field(reader.IsDBNull(i) ? null : reader.GetValue(i)));
            }
            line.Append('\n');
            hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
            rows++;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), rows);
    }

    /// <summary>One field's canonical text (public for the rules' unit tests).</summary>
    public static string Field(object? value) => value switch
    {
        null => "\\N",
        double d => Math.Round(d, 6).ToString("R", CultureInfo.InvariantCulture),
        float f => Math.Round((double)f, 6).ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "\\N",
    };
}
