using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>One timed SearchRuns request and what its answer must look like to count.</summary>
/// <param name="Check">Returns a problem with the answer, or null: a fast wrong answer is not a result.</param>
internal sealed record SearchCase(string Name, SearchRunsRequest Request, int Reps, Func<SearchRunsResponse, string?> Check)
{
    public static SearchCase Create(string name, string experimentId, string filter, string? orderBy, int maxResults, int reps,
        Func<SearchRunsResponse, string?> check)
    {
        var request = new SearchRunsRequest { Filter = filter, MaxResults = maxResults };
        request.ExperimentIds.Add(experimentId);
        if (orderBy is not null) request.OrderBy.Add(orderBy);
        return new SearchCase(name, request, reps, check);
    }

    /// <summary>A full page, every run with rmse below <paramref name="bound"/>, ascending.</summary>
    public static Func<SearchRunsResponse, string?> AscendingRmseBelow(double bound, int expected) => response =>
    {
        if (response.Runs.Count != expected) return $"expected {expected} runs, got {response.Runs.Count}";
        var previous = double.NegativeInfinity;
        foreach (var run in response.Runs)
        {
            var rmse = run.Metrics.FirstOrDefault(m => m.Key == "rmse")?.Value;
            if (rmse is not { } v) return $"run {run.Info.RunId} came back without its rmse";
            if (v >= bound) return $"run {run.Info.RunId} has rmse {v}, not below {bound}";
            if (v < previous) return $"runs not in ascending rmse order ({previous} then {v})";
            previous = v;
        }
        return null;
    };

    public static Func<SearchRunsResponse, string?> Count(int expected) =>
        response => response.Runs.Count == expected ? null : $"expected {expected} runs, got {response.Runs.Count}";
}
