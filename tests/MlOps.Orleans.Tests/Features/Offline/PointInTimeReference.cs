namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>
/// The point-in-time rules written the plain way, row by row, with no SQL: for an entity row at time T, the candidates of a
/// view are its rows with equal non-null keys, event &lt;= T, event &gt;= T - ttl (when set) and, when filtering by created
/// time, created &lt;= T (a missing created time always passes); the winner has the greatest (event, created, file, row),
/// a missing created time ranking lowest. A SQL view first keeps, of rows equal in keys, event and created time, the one
/// with the greatest values (compared in order, null above any value). It also counts the situations the generator forces.
/// </summary>
public sealed class PointInTimeReference(bool filterByCreated)
{
    public Dictionary<string, int> Counters { get; } = [];

    public ReferenceRow? Lookup(ReferenceView view, object?[] keys, DateTime? at)
    {
        if (at is not { } t || keys.Any(k => k is null)) return null;
        var sameKeys = (view.IsSql ? CollapseFullTies(view.Rows) : view.Rows).Where(r => r.Keys.SequenceEqual(keys)).ToList();
        if (sameKeys.Count == 0)
        {
            Count($"{view.Name}: keys without features");
            return null;
        }
        var visible = sameKeys.Where(r => r.Event <= t && (!filterByCreated || !view.HasCreated || r.Created is null || r.Created <= t)).ToList();
        var latest = Best(visible);
        if (view.Ttl is { } ttl && latest is not null && latest.Event == t - ttl - TimeSpan.FromTicks(10))
            Count($"{view.Name}: latest row 1 us outside the ttl");
        var candidates = view.Ttl is { } window ? visible.Where(r => r.Event >= t - window).ToList() : visible;
        var winner = Best(candidates);
        if (filterByCreated && view.HasCreated)
        {
            var unfiltered = Best(sameKeys.Where(r => r.Event <= t && (view.Ttl is not { } w || r.Event >= t - w)));
            if (unfiltered is not null && !ReferenceEquals(unfiltered, winner)) Count($"{view.Name}: late row hidden by the created filter");
        }
        if (winner is null) return null;
        if (view.Ttl is { } edge && winner.Event == t - edge) Count($"{view.Name}: match exactly at the ttl edge");
        if (!filterByCreated && winner.Created > t) Count($"{view.Name}: late row taken without the created filter");
        if (candidates.Any(r => r != winner && r.Event == winner.Event && r.Created != winner.Created)) Count($"{view.Name}: event tie broken by created");
        if (view.IsSql)
        {
            if (view.Rows.Count(r => r.Keys.SequenceEqual(keys) && r.Event == winner.Event && r.Created == winner.Created) > 1)
                Count($"{view.Name}: full tie broken by values");
        }
        else if (candidates.Any(r => r != winner && r.Event == winner.Event && r.Created == winner.Created))
        {
            Count($"{view.Name}: full tie broken by file and row");
        }
        if (view.Ttl is null && t - winner.Event > TimeSpan.FromDays(7)) Count($"{view.Name}: match older than a week (no ttl)");
        return winner;
    }

    public void Count(string what) => Counters[what] = Counters.GetValueOrDefault(what) + 1;

    private static ReferenceRow? Best(IEnumerable<ReferenceRow> rows)
    {
        ReferenceRow? best = null;
        foreach (var row in rows)
        {
            if (best is null || Order(row, best) > 0) best = row;
        }
        return best;
    }

    private static int Order(ReferenceRow a, ReferenceRow b)
    {
        var c = a.Event.CompareTo(b.Event);
        if (c == 0) c = (a.Created ?? DateTime.MinValue).CompareTo(b.Created ?? DateTime.MinValue);
        if (c == 0) c = a.File.CompareTo(b.File);
        if (c == 0) c = a.Row.CompareTo(b.Row);
        return c;
    }

    private static List<ReferenceRow> CollapseFullTies(List<ReferenceRow> rows) =>
        rows.GroupBy(r => (Keys: string.Join('\u0001', r.Keys.Select(k => k?.ToString())), r.Event, r.Created))
            .Select(g => g.Aggregate((x, y) => CompareValues(x.Values, y.Values) >= 0 ? x : y))
            .ToList();

    /// <summary>Values compared in order; null ranks above any value (DuckDB's order inside a struct).</summary>
    public static int CompareValues(object?[] a, object?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var c = (a[i], b[i]) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                (string x, string y) => string.CompareOrdinal(x, y),
                (IComparable x, var y) => x.CompareTo(y),
                _ => 0,
            };
            if (c != 0) return c;
        }
        return 0;
    }
}
