using System.Text;
using System.Text.RegularExpressions;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// A path glob with the usual meaning, applied by the store itself (not by DuckDB) so that artifact keys and local files
/// match the same way and the files read are known before DuckDB opens any: <c>*</c> and <c>?</c> stay within one
/// <c>/</c>-separated segment, <c>**</c> spans any number of segments, <c>[abc]</c> is a character class, <c>{a,b}</c> an alternation.
/// </summary>
internal sealed class GlobPattern
{
    private readonly Regex _regex;

    private GlobPattern(string pattern, string literalPrefix, Regex regex)
    {
        Pattern = pattern;
        LiteralDirectory = literalPrefix;
        _regex = regex;
    }

    public string Pattern { get; }

    /// <summary>The folder part before the first segment with a wildcard: everything that can match lies under it.</summary>
    public string LiteralDirectory { get; }

    public bool HasWildcards => LiteralDirectory.Length < Pattern.Length && Pattern.IndexOfAny(Special) >= 0;

    private static readonly char[] Special = ['*', '?', '[', '{'];

    public static GlobPattern Parse(string pattern)
    {
        var segments = pattern.Split('/');
        var literal = new List<string>();
        foreach (var segment in segments[..^1])
        {
            if (segment.IndexOfAny(Special) >= 0) break;
            literal.Add(segment);
        }
        return new GlobPattern(pattern, string.Join('/', literal), new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant));
    }

    public bool IsMatch(string path) => _regex.IsMatch(path);

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder();
        var braces = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    // "**/" also matches no folder at all, so a/**/b matches a/b.
                    var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                    sb.Append(slash ? "(?:.*/)?" : ".*");
                    i += slash ? 2 : 1;
                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0) goto default;
                    var body = pattern[(i + 1)..end];
                    sb.Append('[').Append(body.StartsWith('!') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body)).Append(']');
                    i = end;
                    break;
                case '{':
                    braces++;
                    sb.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    sb.Append(')');
                    break;
                case ',' when braces > 0:
                    sb.Append('|');
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return sb.ToString();
    }
}
