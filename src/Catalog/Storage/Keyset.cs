using System.Globalization;
using System.Text;
using System.Text.Json;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Catalog.Storage;

/// <summary>How a sort key's values are bound and compared.</summary>
public enum SortType { Integer, Real, Text }

/// <summary>
/// One ORDER BY key; NULLs always sort last, whatever the direction. A key known never to be NULL (a NOT NULL column, or
/// a value a filter already requires) drops the NULL ordering, so an index on it can serve the ORDER BY directly.
/// </summary>
public sealed record SortKey(string Expression, bool Descending, SortType Type, bool NotNull = false);

/// <summary>
/// Keyset pagination: a page token holds the sort values of the last row returned, so rows inserted or removed
/// meanwhile neither shift later pages nor make them repeat or skip rows.
/// </summary>
public static class Keyset
{
    public static string OrderBy(IReadOnlyList<SortKey> keys) => string.Join(", ", keys.Select(k =>
        (k.NotNull ? "" : $"CASE WHEN {k.Expression} IS NULL THEN 1 ELSE 0 END, ") + $"{k.Expression} {(k.Descending ? "DESC" : "ASC")}"));

    /// <summary>A WHERE condition selecting rows strictly after the row whose sort values are <paramref name="last"/>.</summary>
    public static string After(IReadOnlyList<SortKey> keys, IReadOnlyList<object?> last, SqlParameters parameters)
    {
        var components = new List<(string Expr, bool Desc, string Param)>();
        for (var i = 0; i < keys.Count; i++)
        {
            var k = keys[i];
            var isNull = last[i] is null;
            if (!k.NotNull) components.Add(($"(CASE WHEN {k.Expression} IS NULL THEN 1 ELSE 0 END)", false, parameters.Add(isNull ? 1 : 0)));
            // Among NULLs every row ties on this key, so only the later keys order them.
            if (!isNull) components.Add((k.Expression, k.Descending, parameters.Add(last[i])));
        }
        var disjuncts = new List<string>();
        for (var i = 0; i < components.Count; i++)
        {
            var terms = new List<string>();
            for (var j = 0; j < i; j++) terms.Add($"{components[j].Expr} = {components[j].Param}");
            terms.Add($"{components[i].Expr} {(components[i].Desc ? "<" : ">")} {components[i].Param}");
            disjuncts.Add("(" + string.Join(" AND ", terms) + ")");
        }
        var after = "(" + string.Join(" OR ", disjuncts) + ")";
        // Implied by the disjunction, but stated on its own it lets the planner start an index range at the cursor.
        if (keys[0].NotNull && last[0] is not null)
            after += $" AND {keys[0].Expression} {(keys[0].Descending ? "<=" : ">=")} {components[0].Param}";
        return after;
    }

    public static string Encode(IReadOnlyList<object?> values)
    {
        var json = JsonSerializer.Serialize(values.Select(v => v switch
        {
            null => (JsonElement?)null,
            _ => JsonSerializer.SerializeToElement(v),
        }).ToList());
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    public static IReadOnlyList<object?> Decode(string token, IReadOnlyList<SortKey> keys)
    {
        try
        {
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var elements = JsonSerializer.Deserialize<List<JsonElement?>>(json) ?? throw new FormatException("empty");
            if (elements.Count != keys.Count) throw new FormatException("wrong length");
            var values = new object?[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                var e = elements[i];
                if (e is null || e.Value.ValueKind == JsonValueKind.Null) continue;
                values[i] = keys[i].Type switch
                {
                    SortType.Integer => e.Value.GetInt64(),
                    SortType.Real => e.Value.GetDouble(),
                    _ => e.Value.GetString() ?? throw new FormatException("expected text"),
                };
            }
            return values;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw MlopsException.Invalid("page_token", "page_token is not a token this search returned (it may belong to a different filter or order)");
        }
    }

    public static object? Read(System.Data.Common.DbDataReader reader, int ordinal, SortType type)
    {
        if (reader.IsDBNull(ordinal)) return null;
        return type switch
        {
            SortType.Integer => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture),
            SortType.Real => reader.GetDouble(ordinal),
            _ => reader.GetString(ordinal),
        };
    }
}
