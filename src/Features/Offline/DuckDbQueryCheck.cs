using System.Text.Json;
using DuckDB.NET.Data;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Whether definition SQL is exactly one query, decided by DuckDB's own parser: <c>json_serialize_sql</c> parses the text
/// without binding or running it, and serializes only SELECT statements. A hand-written scanner has to follow every lexical
/// form DuckDB accepts (<c>$$...$$</c> and <c>$tag$...$tag$</c> strings, <c>E'\''</c> escapes, nested <c>/* */</c>
/// comments, a line comment ended by a carriage return) and each form it misreads lets a second statement through; the
/// parser that will run the text cannot misread it.
/// </summary>
internal static class DuckDbQueryCheck
{
    public static bool IsSingleQuery(DuckDBConnection connection, string sql, out string error)
    {
        error = "";
        string json;
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT json_serialize_sql(?::VARCHAR)";
            command.Parameters.Add(new DuckDBParameter(sql));
            json = (string)command.ExecuteScalar()!;
        }
        catch (DuckDBException e)
        {
            error = $"the SQL does not parse: {e.Message.Split('\n')[0]}";
            return false;
        }
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        if (root.GetProperty("error").GetBoolean())
        {
            var type = root.TryGetProperty("error_type", out var t) ? t.GetString() : null;
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : null;
            // DuckDB answers "not implemented" when any statement in the text is not a SELECT (SET, COPY, ATTACH, ...).
            error = type == "not implemented"
                ? "the SQL must be a single SELECT or WITH query; DuckDB reads a statement in it that is not a query (SET, COPY, ATTACH, INSTALL, LOAD, EXPORT, PRAGMA and other statements are refused)"
                : $"the SQL does not parse: {message}";
            return false;
        }
        var statements = root.GetProperty("statements").GetArrayLength();
        if (statements == 0) error = "the SQL is empty (it holds only comments)";
        else if (statements > 1) error = $"the SQL must be a single SELECT or WITH query; DuckDB reads {statements} statements in it";
        return error.Length == 0;
    }
}
