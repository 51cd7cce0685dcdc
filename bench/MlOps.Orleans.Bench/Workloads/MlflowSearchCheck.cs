using System.Text.Json;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Checks a <c>runs/search</c> answer against brute force over the seeded runs: the same run ids in the same order. A
/// server answering fast but wrong would otherwise win the comparison.
/// </summary>
internal static class MlflowSearchCheck
{
    /// <summary>Null when the answer is right, else what is wrong with it.</summary>
    public static string? Wrong(MlflowSearchQuery query, IEnumerable<MlflowSearchSeedRun> seeds, byte[] answer)
    {
        var expected = query.Expected(seeds);
        var got = RunIds(answer);
        if (got.Count != expected.Count) return $"runs/search returned {got.Count} runs, brute force {expected.Count}";
        for (var i = 0; i < got.Count; i++)
        {
            if (!string.Equals(got[i], expected[i], StringComparison.Ordinal)) return $"runs/search answer differs from brute force at rank {i + 1}";
        }
        return null;
    }

    /// <summary>The run ids of an answer in order (<c>runs[].info.run_id</c>); an answer without runs has none.</summary>
    public static IReadOnlyList<string> RunIds(byte[] answer)
    {
        using var document = JsonDocument.Parse(answer);
        var ids = new List<string>();
        if (!document.RootElement.TryGetProperty("runs", out var runs)) return ids;
        foreach (var run in runs.EnumerateArray()) ids.Add(run.GetProperty("info").GetProperty("run_id").GetString() ?? "");
        return ids;
    }
}
