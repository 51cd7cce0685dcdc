using System.Data.Common;

namespace MlOps.Orleans.Catalog.Storage;

/// <summary>
/// One page of ids from a keyset-ordered search: the rows after the token's position in <paramref name="keys"/> order,
/// at most <c>limit</c> of them, and the token of the last one when another page exists. The searches then read the
/// page's rows by id. Shared by the registry and logged-model searches.
/// </summary>
public static class KeysetPage
{
    public static async Task<(List<string> Ids, string? Next)> ReadAsync(DbConnection c, string from, string idExpression, List<string> where,
        IReadOnlyList<SortKey> keys, string? pageToken, int limit, SqlParameters p, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(pageToken)) where.Add(Keyset.After(keys, Keyset.Decode(pageToken, keys), p));
        var sql = $"SELECT {idExpression}{string.Join("", keys.Select((k, i) => $", {k.Expression} AS s{i}"))} FROM {from} " +
                  $"WHERE {string.Join(" AND ", where)} ORDER BY {Keyset.OrderBy(keys)} LIMIT {p.Add(limit + 1)}";
        await using var command = c.Command(sql);
        p.ApplyTo(command);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var ids = new List<string>();
        object?[]? last = null;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            if (ids.Count == limit) return (ids, Keyset.Encode(last!));
            ids.Add(reader.GetString(0));
            last = keys.Select((k, i) => Keyset.Read(reader, 1 + i, k.Type)).ToArray();
        }
        return (ids, null);
    }
}
