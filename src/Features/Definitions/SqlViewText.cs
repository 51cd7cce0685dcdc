namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Checks that the SQL of a view is one read-only query (SELECT or WITH ... SELECT) before DuckDB sees it: no statement
/// separator outside strings and comments, and parentheses that never close more than they opened, so the text cannot break
/// out of the <c>SELECT * FROM (&lt;sql&gt;)</c> it is wrapped in. DuckDB's own parser is the second check, and the sandbox
/// (no external access) the third.
/// </summary>
public static class SqlViewText
{
    /// <summary>Definition SQL beyond this size is refused: it is a hand-written transformation.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>On success, <paramref name="query"/> is the SQL without trailing semicolons or whitespace.</summary>
    public static bool TryNormalize(string sql, out string query, out string error)
    {
        query = sql.Trim().TrimEnd(';').TrimEnd();
        error = "";
        if (query.Length == 0)
        {
            error = "the SQL is empty";
        }
        else if (query.Length > MaxLength)
        {
            error = $"the SQL is longer than {MaxLength} characters";
        }
        else if (!Scan(query, out var firstWord, out error))
        {
            // error set by Scan
        }
        else if (!firstWord.Equals("SELECT", StringComparison.OrdinalIgnoreCase) && !firstWord.Equals("WITH", StringComparison.OrdinalIgnoreCase))
        {
            error = $"the SQL must be a single SELECT or WITH query, not '{firstWord}'";
        }
        return error.Length == 0;
    }

    /// <summary>A single pass over the text that skips quoted strings, quoted identifiers and comments.</summary>
    private static bool Scan(string sql, out string firstWord, out string error)
    {
        firstWord = "";
        error = "";
        var depth = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (c is '\'' or '"')
            {
                var end = sql.IndexOf(c, i + 1);
                while (end >= 0 && end + 1 < sql.Length && sql[end + 1] == c)
                {
                    end = sql.IndexOf(c, end + 2); // a doubled quote is an escaped quote
                }
                if (end < 0)
                {
                    error = "the SQL has an unterminated quoted string or identifier";
                    return false;
                }
                i = end + 1;
                continue;
            }
            if (c == '-' && next == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
                continue;
            }
            if (c == '/' && next == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    error = "the SQL has an unterminated /* comment";
                    return false;
                }
                i = end + 2;
                continue;
            }
            if (c == ';')
            {
                error = "the SQL must be a single statement (found ';')";
                return false;
            }
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth < 0)
            {
                error = "the SQL closes a parenthesis it did not open";
                return false;
            }
            else if (firstWord.Length == 0 && char.IsLetter(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_'))
                {
                    i++;
                }
                firstWord = sql[start..i];
                continue;
            }
            else if (firstWord.Length == 0 && !char.IsWhiteSpace(c))
            {
                firstWord = c.ToString();
            }
            i++;
        }
        if (depth != 0)
        {
            error = "the SQL has unbalanced parentheses";
            return false;
        }
        return true;
    }
}
