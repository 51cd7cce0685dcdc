namespace MlOps.Orleans.Bench.Workloads;

/// <summary>What a seeded search run holds: metrics <c>rmse</c> and <c>acc</c> ~ U[0,1), param <c>model</c> and tag <c>team</c>.</summary>
internal sealed record MlflowSearchSeedRun(string RunId, double Rmse, double Acc, string Model, string Team)
{
    public const int Models = 10;

    public static string ModelName(int index) => $"model-{index}";

    public static MlflowSearchSeedRun For(string runId, int index) =>
        new(runId, MlflowCompareBodies.Unit(-1, index, 0, 0), MlflowCompareBodies.Unit(-1, index, 1, 0),
            ModelName((int)(MlflowCompareBodies.Unit(-1, index, 2, 0) * Models)), $"team-{index % 4}");
}
