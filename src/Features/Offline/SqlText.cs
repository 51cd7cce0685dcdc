using System.Globalization;

namespace MlOps.Orleans.Features.Offline;

/// <summary>Quoting for the SQL the store generates: every name and path from a definition goes through here.</summary>
internal static class SqlText
{
    /// <summary>Prefix of every name the store generates, so no user column or source can collide with one.</summary>
    public const string Reserved = "__mlops_";

    public static string Id(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Str(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string StrList(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Str)) + "]";

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static bool IsReserved(string name) => name.StartsWith(Reserved, StringComparison.OrdinalIgnoreCase);
}
