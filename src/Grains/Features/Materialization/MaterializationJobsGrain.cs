using System.Text.Json;
using MlOps.Orleans.Catalog.Features;
using Orleans.Concurrency;
using MlOps.Orleans.Contracts.Features.Materialization;

namespace MlOps.Orleans.Grains.Features.Materialization;

/// <summary>Lists jobs from the catalog on the silo that takes the call; figures of running jobs are as of their last heartbeat.</summary>
[StatelessWorker]
public sealed class MaterializationJobsGrain(IMaterializationCatalog catalog) : Grain, IMaterializationJobsGrain
{
    public const int MaxLimit = 1000;

    public async Task<IReadOnlyList<MaterializationJobInfo>> List(int limit)
    {
        var rows = await catalog.ListJobsAsync(Math.Clamp(limit <= 0 ? 100 : limit, 1, MaxLimit));
        return rows.Select(r => JsonSerializer.Deserialize<MaterializationJobState>(r.State)!.ToInfo(r.JobId, r.Status, r.Error,
            r.FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f).UtcDateTime : null)).ToList();
    }
}
