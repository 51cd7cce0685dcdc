namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// MLflow's reference search (shared/reference/mlflow-rest.md: 1,000 runs returned from a search in 852 ms): no filter, no
/// order, one page of every run of a small seeded experiment. The server orders an unordered search by start time
/// (newest first) then run id ascending; start times are the server's, so the check reads them from the answer: exactly the
/// seeded runs, each once, in that order.
/// </summary>
internal static class SearchReference
{
    /// <summary>Null when <paramref name="got"/> is the whole seeded set in the server's default order; else the first problem.</summary>
    public static string? Check(IReadOnlyList<(string RunId, long StartTime)> got, IReadOnlySet<string> seeded, int expectedCount)
    {
        if (got.Count != expectedCount) return $"got {got.Count} runs, {expectedCount} were seeded into the page";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < got.Count; i++)
        {
            var (id, start) = got[i];
            if (!seeded.Contains(id)) return $"position {i + 1}: run {id} was not seeded";
            if (!seen.Add(id)) return $"position {i + 1}: run {id} came back twice";
            if (i == 0) continue;
            var (previousId, previousStart) = got[i - 1];
            if (start > previousStart || (start == previousStart && string.CompareOrdinal(previousId, id) > 0))
                return $"position {i + 1}: run {id} (start {start}) after {previousId} (start {previousStart}), not start time descending then run id ascending";
        }
        return null;
    }
}
