using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>Jobs as things: one per view at a time, progress while running, cancel, listing.</summary>
[Collection(MaterializationCollection.Name)]
[Trait("Category", Category.Platform)]
public sealed class MaterializationJobTests(SqlitePlatformFixture platform) : MaterializationTestBase(platform)
{
    private const long BigKeys = 1_000_000;

    [Fact]
    public async Task A_running_job_reports_progress_refuses_a_second_job_on_its_view_and_stops_when_cancelled()
    {
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo);
        await repo.WriteManyTripsAsync(Store, "big.parquet", BigKeys, Day1);
        var request = new MaterializationRequest([repo.Stats], Day1, Day1.AddDays(1), Incremental: false);
        var job = Job(MaterializationJobs.NewId());

        var started = await job.Start(request);
        Assert.Equal(MaterializationStatus.Running, started.Status);
        // Starting the same job again is idempotent; another job on the view is refused, naming the running one.
        Assert.Equal(started.JobId, (await job.Start(request)).JobId);
        var other = MaterializationJobs.NewId();
        await Refuses(ErrorCode.FailedPrecondition, () => Job(other).Start(request), repo.Stats, started.JobId);
        await Refuses(ErrorCode.NotFound, () => Job(other).Get(), other);

        var running = await PollAsync(job, i => i.Status == MaterializationStatus.Running && i.Views[0].RowsWritten > 0, "rows written while running");
        Assert.True(running.Views[0].RowsWritten < BigKeys);
        var cancelled = await job.Cancel();

        Assert.Equal(MaterializationStatus.Cancelled, cancelled.Status);
        Assert.NotNull(cancelled.FinishedAt);
        var stopped = cancelled.Views[0].RowsWritten;
        Assert.True(stopped < BigKeys, $"{stopped} rows written: the job ran to the end before the cancel");
        // Nothing more is written after the cancel returned, and the view is free again.
        Assert.Equal(stopped, (await job.Get()).Views[0].RowsWritten);
        var listed = await Grains.GetGrain<IMaterializationJobsGrain>(0).List(100);
        var entry = Assert.Single(listed, j => j.JobId == started.JobId);
        Assert.Equal((MaterializationStatus.Cancelled, repo.Stats), (entry.Status, entry.Views[0].View));
        Assert.Equal(MaterializationStatus.Cancelled, (await job.Cancel()).Status);

        var next = Job(MaterializationJobs.NewId());
        var restarted = await next.Start(request with { Views = [repo.Stats, repo.Doubled] });
        Assert.Equal(MaterializationStatus.Running, restarted.Status);
        Assert.Equal(MaterializationStatus.Cancelled, (await next.Cancel()).Status);
    }

    [Fact]
    public async Task A_finished_job_is_listed_with_its_figures_newest_first()
    {
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo);
        await repo.WriteTripsAsync(Store, "part-0.parquet", (1, 0.1, 10, Day1, Day1), (2, 0.2, 20, Day1, Day1));
        var first = await RunAsync(new MaterializationRequest([repo.Stats], Day1, Day1.AddDays(1), Incremental: false));
        var second = await RunAsync(new MaterializationRequest([repo.Doubled, repo.Stats], Day1, Day1.AddDays(1), Incremental: false));

        var listed = await Grains.GetGrain<IMaterializationJobsGrain>(0).List(1000);
        var ids = listed.Select(j => j.JobId).ToList();
        Assert.True(ids.IndexOf(second.JobId) < ids.IndexOf(first.JobId));
        var entry = listed.Single(j => j.JobId == second.JobId);
        Assert.Equal(MaterializationStatus.Succeeded, entry.Status);
        Assert.Equal([(repo.Doubled, 2L, 2L), (repo.Stats, 2L, 2L)], entry.Views.Select(v => (v.View, v.RowsRead, v.RowsWritten)));
        Assert.NotNull(entry.FinishedAt);
    }

    [Fact]
    public async Task Refusals_name_their_problem_and_start_nothing()
    {
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo);
        var id = MaterializationJobs.NewId();
        var job = Job(id);
        var end = Day1.AddDays(1);

        await Refuses(ErrorCode.NotFound, () => job.Start(new([repo.Stats, "no_such_view"], Day1, end, false)), "no_such_view");
        await Refuses(ErrorCode.FailedPrecondition, () => job.Start(new([repo.Offline], Day1, end, false)), repo.Offline, "not online");
        await Refuses(ErrorCode.InvalidArgument, () => job.Start(new([repo.Stats], end, Day1, false)), "before start");
        await Refuses(ErrorCode.InvalidArgument, () => job.Start(new([repo.Stats], null, end, false)), "start");
        await Refuses(ErrorCode.InvalidArgument, () => job.Start(new([repo.Stats], Day1, default, false)), "end");
        await Refuses(ErrorCode.InvalidArgument, () => job.Start(new([repo.Stats], Day1, end, true)), "incremental");
        await Refuses(ErrorCode.NotFound, () => job.Get(), id);
        await Refuses(ErrorCode.NotFound, () => job.Cancel(), id);
        Assert.DoesNotContain(await Grains.GetGrain<IMaterializationJobsGrain>(0).List(1000), j => j.JobId == id);

        // The refusals took no lock: the view materializes; the id is then bound to its request.
        await repo.WriteTripsAsync(Store, "part-0.parquet", (1, 0.1, 10, Day1, Day1));
        await job.Start(new([repo.Stats], Day1, end, false));
        Assert.Equal(MaterializationStatus.Succeeded, (await job.Wait(TimeSpan.FromSeconds(30))).Status);
        await Refuses(ErrorCode.AlreadyExists, () => job.Start(new([repo.Stats], Day1, end.AddDays(1), false)), id);
    }
}
