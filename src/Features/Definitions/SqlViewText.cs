namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// The cheap checks on the SQL of a view (not empty, not oversized) and its trimming. Whether the text is one read-only
/// query is decided by DuckDB's own parser (<see cref="SqlViewBinder.TryParse"/>), not here: a scanner of our own misread
/// <c>$$...$$</c> strings, <c>E'...'</c> escapes and nested comments, and so let a second statement past. The locked,
/// sandboxed DuckDB configuration is what finally holds.
/// </summary>
public static class SqlViewText
{
    /// <summary>Definition SQL beyond this size is refused: it is a hand-written transformation.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>On success, <paramref name="query"/> is the SQL without trailing semicolons or whitespace.</summary>
    public static bool TryNormalize(string sql, out string query, out string error)
    {
        query = sql.Trim().TrimEnd(';').TrimEnd();
        error = query.Length == 0 ? "the SQL is empty"
            : query.Length > MaxLength ? $"the SQL is longer than {MaxLength} characters"
            : "";
        return error.Length == 0;
    }
}
