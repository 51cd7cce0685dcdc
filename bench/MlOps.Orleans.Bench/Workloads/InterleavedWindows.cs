using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// The window rule for workloads whose steps depend on each other and are interleaved window by window (upload, then
/// download of the same file, then the next window), so every step sees the same machine: each of
/// <c>steps</c> gets <c>windows</c> windows fixed before the run, judged on its own; when any step's run is void (more than
/// half its windows discarded) the whole interleaved set is measured again, at most <see cref="WindowRules.MaxVoidRetries"/>
/// times, since a step cannot be repeated alone when the next one needs what it left. Each step reports its last
/// attempt's windows and its discarded count per attempt, as <see cref="WindowRun{T}"/> does.
/// </summary>
internal static class InterleavedWindows
{
    /// <param name="judge">(step, window, attempt) → the judged window; called window-major: every step of window 0, then 1, ….</param>
    public static async Task<IReadOnlyList<WindowRun<T>>> RunAsync<T>(WindowRules rules, int steps, int windows,
        Func<int, int, int, Task<JudgedWindow<T>>> judge)
    {
        if (windows < 1) throw new ArgumentOutOfRangeException(nameof(windows), windows, "a run needs at least one window");
        var discardedPerAttempt = Enumerable.Range(0, steps).Select(_ => new List<int>()).ToArray();
        for (var attempt = 0; ; attempt++)
        {
            var judged = Enumerable.Range(0, steps).Select(_ => new List<JudgedWindow<T>>(windows)).ToArray();
            for (var w = 0; w < windows; w++)
                for (var s = 0; s < steps; s++)
                    judged[s].Add(await judge(s, w, attempt));
            var anyVoid = false;
            for (var s = 0; s < steps; s++)
            {
                var discarded = judged[s].Count(j => !j.Verdict.Kept);
                discardedPerAttempt[s].Add(discarded);
                anyVoid |= WindowRules.IsVoid(windows, discarded);
            }
            if (!WindowRules.Retry(attempt, anyVoid))
                return Enumerable.Range(0, steps).Select(s => new WindowRun<T>(rules, windows, judged[s], discardedPerAttempt[s])).ToList();
        }
    }
}
