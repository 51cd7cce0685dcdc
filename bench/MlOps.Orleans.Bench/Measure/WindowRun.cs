using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// A run of a number of windows fixed before it started, judged by <see cref="Rules"/>. <see cref="Windows"/> are the last
/// attempt's (kept and discarded); <see cref="DiscardedPerAttempt"/> has one entry per attempt, so retries are visible.
/// </summary>
internal sealed record WindowRun<T>(WindowRules Rules, int Planned, IReadOnlyList<JudgedWindow<T>> Windows, IReadOnlyList<int> DiscardedPerAttempt)
{
    public int Discarded => Windows.Count(w => !w.Verdict.Kept);

    public bool Void => WindowRules.IsVoid(Planned, Discarded);

    public int Attempts => DiscardedPerAttempt.Count;

    public IEnumerable<T> Kept => Windows.Where(w => w.Verdict.Kept).Select(w => w.Result);

    /// <summary>For the result line: thresholds, counts, void, and others' CPU and steal per window (k = kept, d = discarded).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"windows {Planned - Discarded}/{Planned} kept ({Rules}; attempts {Attempts}, discarded {string.Join('/', DiscardedPerAttempt)})" +
        $"{(Void ? " VOID" : "")}; per window others/steal [{string.Join(' ', Windows.Select(Window))}]");

    /// <summary>The windows' JSON, each with the result's own JSON merged in.</summary>
    public JsonObject ToJson(Func<T, JsonObject> result)
    {
        var windows = new JsonArray();
        foreach (var window in Windows)
        {
            var json = result(window.Result);
            foreach (var (key, value) in window.ToJson()) json[key] = value?.DeepClone();
            windows.Add(json);
        }
        return new JsonObject
        {
            ["windows_planned"] = Planned, ["windows_kept"] = Planned - Discarded, ["windows_discarded"] = Discarded, ["void"] = Void,
            ["attempts"] = Attempts, ["discarded_per_attempt"] = new JsonArray(DiscardedPerAttempt.Select(d => (JsonNode)d).ToArray()),
            ["max_other_cores"] = Rules.MaxOtherCores, ["max_steal_pct"] = Rules.MaxStealPercent, ["windows"] = windows,
        };
    }

    private static string Window(JudgedWindow<T> w) =>
        string.Create(CultureInfo.InvariantCulture, $"{(w.Verdict.Kept ? w.Verdict.Judged ? "k" : "u" : "d")}:{w.OtherCores:0.00}/{w.Cpu.StealPercent:0.0}%");
}
