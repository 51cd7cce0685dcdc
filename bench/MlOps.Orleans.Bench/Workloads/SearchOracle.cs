namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Brute-force answers from the seeded values: every run matching the query, ordered by the query's metric, ties broken
/// by run id ascending (ordinal), which is the server's rule (src/Catalog's search appends <c>run_id ASC</c> after the
/// requested order keys); the first <c>MaxResults</c>.
/// </summary>
internal static class SearchOracle
{
    public static IReadOnlyList<string> Expected(IEnumerable<SearchSeededRun> runs, SearchQuery query)
    {
        var matching = runs.Where(query.Matches);
        var ordered = query.Ascending
            ? matching.OrderBy(r => r.Metric(query.OrderKey)).ThenBy(r => r.RunId, StringComparer.Ordinal)
            : matching.OrderByDescending(r => r.Metric(query.OrderKey)).ThenBy(r => r.RunId, StringComparer.Ordinal);
        return ordered.Take(query.MaxResults).Select(r => r.RunId).ToList();
    }

    /// <summary>Null when the answer's run ids are exactly <paramref name="expected"/>, in order; else the first difference.</summary>
    public static string? Check(IReadOnlyList<string> got, IReadOnlyList<string> expected)
    {
        for (var i = 0; i < Math.Min(got.Count, expected.Count); i++)
            if (got[i] != expected[i]) return $"position {i + 1}: got run {got[i]}, brute force says {expected[i]}";
        return got.Count == expected.Count ? null : $"got {got.Count} runs, brute force says {expected.Count}";
    }
}
