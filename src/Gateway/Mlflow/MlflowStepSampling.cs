namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// The steps MLflow's <c>metrics/get-history-bulk-interval</c> returns, chosen as MLflow chooses them so a chart drawn
/// from either server shows the same points: up to <c>max</c> evenly spaced steps over the logged steps within
/// [start, end], always the last of them, plus every run's first and last step within the range.
/// </summary>
internal static class MlflowStepSampling
{
    /// <param name="runSteps">each run's logged steps (any order, repeats allowed)</param>
    public static SortedSet<long> Choose(IReadOnlyList<IReadOnlyCollection<long>> runSteps, long? start, long? end, int max)
    {
        var all = new SortedSet<long>(runSteps.SelectMany(s => s)).ToList();
        var from = start ?? 0;
        var to = end ?? (all.Count > 0 ? all[^1] : 0);
        var chosen = Evenly(all, from, to, max);
        foreach (var steps in runSteps.Where(s => s.Count > 0))
            foreach (var edge in new[] { steps.Min(), steps.Max() })
                if (edge >= from && edge <= to) chosen.Add(edge);
        return chosen;
    }

    /// <summary>Evenly spaced picks by position among the sorted distinct steps in [from, to], and the last one.</summary>
    public static SortedSet<long> Evenly(List<long> sorted, long from, long to, int max)
    {
        var first = LowerBound(sorted, from);
        var afterLast = to == long.MaxValue ? sorted.Count : LowerBound(sorted, to + 1);
        var count = afterLast - first;
        if (count <= max) return new SortedSet<long>(sorted.Skip(first).Take(Math.Max(count, 0)));
        var interval = (double)count / max;
        var picks = new SortedSet<long>();
        for (var i = 0; i < max; i++)
        {
            // MLflow compares the absolute index with the window's length (not its end); kept so a window that does not
            // start at the first step picks exactly what MLflow picks.
            var index = first + (int)(i * interval);
            if (index < count) picks.Add(sorted[index]);
        }
        picks.Add(sorted[afterLast - 1]);
        return picks;
    }

    private static int LowerBound(List<long> sorted, long value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
