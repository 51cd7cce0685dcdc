using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>What reaches the online store: the latest row per key in the window, tie-broken as offline, for every kind of view.</summary>
[Collection(MaterializationCollection.Name)]
[Trait("Category", Category.Platform)]
public sealed class MaterializationSemanticsTests(SqlitePlatformFixture platform) : MaterializationTestBase(platform)
{
    [Fact]
    public async Task The_latest_row_per_key_in_the_window_wins_ties_go_to_created_and_rows_outside_are_ignored()
    {
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo);
        var end = Day1.AddDays(3);
        await repo.WriteTripsAsync(Store, "part-0.parquet",
            (1, 0.1, 10, Day1, Day1),
            (1, 0.2, 20, Day1.AddDays(1), Day1.AddDays(1)),
            (1, 0.25, 25, Day1.AddDays(1), Day1.AddDays(1).AddHours(1)),   // same event time, created later: wins
            (1, 0.9, 90, end.AddTicks(10), end.AddTicks(10)),              // one microsecond after the end: ignored
            (2, 0.5, 50, Day1, null),
            (3, 0.3, 30, Day1.AddTicks(-10), Day1),                        // one microsecond before the start: ignored
            (4, 0.4, 40, end, end));                                       // exactly at the end: inclusive
        // A later file breaks a full tie (same event and created time) the way the offline store does: the row read last.
        await repo.WriteTripsAsync(Store, "part-1.parquet", (2, 0.55, 55, Day1, null));

        var job = await RunAsync(new MaterializationRequest([repo.Stats, repo.Doubled], Day1, end, Incremental: false));

        Assert.True(job.Partitions >= 1);
        var stats = Assert.Single(job.Views, v => v.View == repo.Stats);
        Assert.Equal((1, Day1, end, 3L, 3L, (string?)null), (stats.Version, stats.Start, stats.End, stats.RowsRead, stats.RowsWritten, stats.Error));
        var one = await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 1);
        Assert.NotNull(one);
        Assert.Equal(Day1.AddDays(1), one.EventTimestamp);
        Assert.Equal(Day1.AddDays(1).AddHours(1), one.CreatedTimestamp);
        Assert.Equal([0.25, 25L], one.Values);
        Assert.Equal([0.55, 55L], (await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 2))!.Values);
        Assert.Null(await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 3));
        var four = await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 4);
        Assert.Equal(end, four!.EventTimestamp);

        // The SQL view: same window and ties; its values are computed by its SQL.
        Assert.Equal(3L, Assert.Single(job.Views, v => v.View == repo.Doubled).RowsWritten);
        Assert.Equal([0.5], (await OnlineReadBack.RowAsync(Platform.Services, repo.Doubled, 1))!.Values);
        Assert.Null(await OnlineReadBack.RowAsync(Platform.Services, repo.Doubled, 3));
    }

    [Fact]
    public async Task A_push_source_view_materializes_what_was_pushed_offline()
    {
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo);
        await repo.WriteTripsAsync(Store, "part-0.parquet", (1, 0.1, 10, Day1, Day1));
        var offline = Grains.GetGrain<IOfflineFeatureGrain>(0);
        await offline.PushOffline(repo.Push, new FeatureFrame([
            new FrameColumn("driver_id", FeatureValueType.Int64, [7L, 7L, 8L]),
            new FrameColumn("rating", FeatureValueType.Float64, [4.0, 4.5, 3.0]),
            new FrameColumn("event_timestamp", FeatureValueType.Timestamp, [Day1, Day1.AddHours(2), Day1.AddHours(1)]),
        ]));

        var job = await RunAsync(new MaterializationRequest([repo.Rating], Day1, Day1.AddDays(1), Incremental: false));

        Assert.Equal(2L, job.Views[0].RowsWritten);
        var seven = await OnlineReadBack.RowAsync(Platform.Services, repo.Rating, 7);
        Assert.Equal((Day1.AddHours(2), (DateTime?)null), (seven!.EventTimestamp, seven.CreatedTimestamp));
        Assert.Equal([4.5], seven.Values);
        Assert.Equal([3.0], (await OnlineReadBack.RowAsync(Platform.Services, repo.Rating, 8))!.Values);
    }

    [Fact]
    public async Task Incremental_runs_start_at_the_previous_end_and_the_first_at_now_minus_ttl()
    {
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo, ttl: "30d");
        await repo.WriteTripsAsync(Store, "part-0.parquet", (1, 0.1, 10, Day1, Day1), (2, 0.2, 20, Day1.AddDays(1), Day1.AddDays(1)));
        var firstEnd = Day1.AddDays(3);

        var before = DateTime.UtcNow;
        var first = await RunAsync(new MaterializationRequest([repo.Stats], null, firstEnd, Incremental: true));
        var window = first.Views[0];
        Assert.InRange(window.Start, before.AddDays(-30).AddSeconds(-1), DateTime.UtcNow.AddDays(-30));
        Assert.Equal((firstEnd, 2L), (window.End, window.RowsWritten));

        // New data: one row inside the next window, and a newer value for driver 1 dated before the previous end (not re-read).
        await repo.WriteTripsAsync(Store, "part-1.parquet",
            (1, 0.7, 70, Day1.AddDays(2), Day1.AddDays(5)),
            (2, 0.8, 80, Day1.AddDays(4), Day1.AddDays(4)));
        var second = await RunAsync(new MaterializationRequest([repo.Stats], null, Day1.AddDays(5), Incremental: true));

        Assert.Equal((firstEnd, Day1.AddDays(5), 1L), (second.Views[0].Start, second.Views[0].End, second.Views[0].RowsWritten));
        Assert.Equal([0.1, 10L], (await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 1))!.Values);
        Assert.Equal([0.8, 80L], (await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 2))!.Values);

        // Already up to date: an earlier end reads nothing and does not move the resume point back.
        var stale = await RunAsync(new MaterializationRequest([repo.Stats], null, Day1.AddDays(4), Incremental: true));
        Assert.Equal((Day1.AddDays(5), 0L), (stale.Views[0].Start, stale.Views[0].RowsRead));
        var third = await RunAsync(new MaterializationRequest([repo.Stats], null, Day1.AddDays(6), Incremental: true));
        Assert.Equal(Day1.AddDays(5), third.Views[0].Start);
    }
}
