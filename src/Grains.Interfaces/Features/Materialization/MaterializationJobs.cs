namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>Naming of materialization grains.</summary>
public static class MaterializationJobs
{
    /// <summary>A fresh job id.</summary>
    public static string NewId() => "mat-" + Guid.NewGuid().ToString("N");

    /// <summary>The worker grain of partition <paramref name="part"/> of a job.</summary>
    public static string WorkerKey(string jobId, int part) => $"{jobId}/{part}";
}
