namespace MlOps.Orleans.Bench.Workloads;

/// <summary>A prepared <c>runs/search</c> body and what it asks, so the answer can be checked against brute force.</summary>
internal sealed record MlflowSearchQuery(byte[] Body, double Threshold, string? Model)
{
    public const int Page = 100;

    /// <summary>The run ids the query must answer, in order: rmse under the threshold (and the model), by acc descending.</summary>
    public IReadOnlyList<string> Expected(IEnumerable<MlflowSearchSeedRun> runs) =>
        runs.Where(r => r.Rmse < Threshold && (Model is null || r.Model == Model)).OrderByDescending(r => r.Acc).Take(Page).Select(r => r.RunId).ToList();
}
