using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>The catalog side (locks, job records, incremental state) on PostgreSQL, in cluster mode.</summary>
[Trait("Category", Category.Platform)]
public sealed class PostgresMaterializationTests(PostgresPlatformFixture platform) : MaterializationTestBase(platform), IClassFixture<PostgresPlatformFixture>
{
    [Fact]
    public async Task Jobs_locks_and_incremental_state_work_on_postgres()
    {
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo);
        await repo.WriteTripsAsync(Store, "part-0.parquet", (1, 0.1, 10, Day1, Day1), (2, 0.2, 20, Day1.AddDays(2), Day1.AddDays(2)));
        var first = await RunAsync(new MaterializationRequest([repo.Stats], null, Day1.AddDays(1), Incremental: true));
        Assert.Equal(1L, first.Views[0].RowsWritten);
        var second = await RunAsync(new MaterializationRequest([repo.Stats], null, Day1.AddDays(3), Incremental: true));
        Assert.Equal((Day1.AddDays(1), 1L), (second.Views[0].Start, second.Views[0].RowsWritten));
        Assert.Equal([0.2, 20L], (await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 2))!.Values);

        await repo.WriteManyTripsAsync(Store, "big.parquet", 300_000, Day1);
        var job = Job(MaterializationJobs.NewId());
        var request = new MaterializationRequest([repo.Stats], Day1, Day1.AddDays(1), Incremental: false);
        var running = await job.Start(request);
        await Refuses(ErrorCode.FailedPrecondition, () => Job(MaterializationJobs.NewId()).Start(request), repo.Stats, running.JobId);
        var outcome = await job.Cancel();
        Assert.True(outcome.IsFinal);
        var listed = await Grains.GetGrain<IMaterializationJobsGrain>(0).List(10);
        Assert.Contains(listed, j => j.JobId == running.JobId && j.IsFinal);
        Assert.Contains(listed, j => j.JobId == second.JobId && j.Status == MaterializationStatus.Succeeded);
    }
}
