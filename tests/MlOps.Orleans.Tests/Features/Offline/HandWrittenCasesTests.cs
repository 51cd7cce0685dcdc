using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>Small cases with every expected row written out, so a reader can check the semantics by eye.</summary>
[Trait("Category", Category.Unit)]
public sealed class HandWrittenCasesTests : IDisposable
{
    private readonly OfflineTestHost _host = new();
    private static readonly EntitySpec Driver = Entity("driver", F("driver_id", VT.Int64));

    public void Dispose() => _host.Dispose();

    /// <summary>
    /// driver 1 has rows at 10:00 (created 10:05, rate 0.1), 11:00 twice (created 11:01 rate 0.2 and 11:30 rate 0.3),
    /// 12:00 (created 12:00, rate 0.4). ttl is 1 hour.
    /// </summary>
    private async Task<FeatureViewSpec> DriverStatsAsync()
    {
        await _host.WriteParquetArtifactAsync("data/driver_stats/part-0.parquet", new Frames(
                ("driver_id", VT.Int64), ("event_ts", VT.Timestamp), ("created_ts", VT.Timestamp), ("rate", VT.Float64))
            .Row(1L, T("2024-01-01T10:00:00Z"), T("2024-01-01T10:05:00Z"), 0.1)
            .Row(1L, T("2024-01-01T11:00:00Z"), T("2024-01-01T11:30:00Z"), 0.3)
            .Row(1L, T("2024-01-01T11:00:00Z"), T("2024-01-01T11:01:00Z"), 0.2)
            .Row(1L, T("2024-01-01T12:00:00Z"), T("2024-01-01T12:00:00Z"), 0.4)
            .Row(2L, T("2024-01-01T09:00:00Z"), T("2024-01-01T09:00:00Z"), 9.0)
            .Build());
        return View("driver_stats", ["driver"], [F("rate", VT.Float64)], "driver_stats_src", TimeSpan.FromHours(1));
    }

    private static DataSourceSpec StatsSource => Source("driver_stats_src", "artifacts:data/driver_stats/*.parquet", created: "created_ts");

    [Fact]
    public async Task Point_in_time_rows_spelled_out()
    {
        var view = await DriverStatsAsync();
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp), ("label", VT.String))
            .Row(1L, T("2024-01-01T09:59:59Z"), "before any row")
            .Row(1L, T("2024-01-01T10:00:00Z"), "exactly at the first row")
            .Row(1L, T("2024-01-01T11:00:00Z"), "tie on event time: greatest created wins")
            .Row(1L, T("2024-01-01T11:00:00Z"), "duplicate entity row kept")
            .Row(1L, T("2024-01-01T11:59:59.999999Z"), "last row before 12:00")
            .Row(1L, T("2024-01-01T13:00:00Z"), "ttl edge: 12:00 is exactly 1 h old")
            .Row(1L, T("2024-01-01T13:00:00.000001Z"), "1 us past the ttl")
            .Row(2L, T("2024-01-01T10:00:00Z"), "driver 2: 09:00 is within the hour")
            .Row(3L, T("2024-01-01T10:00:00Z"), "no features for driver 3")
            .Row(null, T("2024-01-01T10:00:00Z"), "null key")
            .Row(1L, null, "null time")
            .Build();
        var job = Job(EntityInput.FromFrame(entities), [Select(view, "rate")], [StatsSource], [Driver]);

        var result = await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None);

        var file = await TrainingSetFile.ReadAsync(_host.OutputPath());
        Assert.Equal(["driver_id", "event_timestamp", "label", "rate"], file.Columns);
        Assert.Equal(11, result.RowCount);
        Assert.Equal([null, 0.1, 0.3, 0.3, 0.3, 0.4, null, 9.0, null, null, null], file.Column("rate"));
        Assert.Equal(entities.Columns[2].Values, file.Column("label"));
        Assert.Equal(entities.Columns[1].Values, file.Column("event_timestamp"));
        Assert.Equal([new FieldSpec("driver_id", VT.Int64), new FieldSpec("event_timestamp", VT.Timestamp), new FieldSpec("label", VT.String), new FieldSpec("rate", VT.Float64)], result.Schema);
    }

    [Fact]
    public async Task Filter_by_created_timestamp_hides_rows_written_after_the_entity_time()
    {
        var view = await DriverStatsAsync();
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp))
            .Row(1L, T("2024-01-01T10:02:00Z"))  // 10:00 row created 10:05: late
            .Row(1L, T("2024-01-01T11:10:00Z"))  // 11:00 rows created 11:01 (visible) and 11:30 (late)
            .Row(1L, T("2024-01-01T11:45:00Z"))  // both 11:00 rows visible: created 11:30 wins
            .Build();
        var unfiltered = Job(EntityInput.FromFrame(entities), [Select(view, "rate")], [StatsSource], [Driver]);
        var filtered = unfiltered with { FilterByCreatedTimestamp = true };

        await _host.Store.GetHistoricalFeaturesAsync(unfiltered, _host.OutputPath("a.parquet"), CancellationToken.None);
        await _host.Store.GetHistoricalFeaturesAsync(filtered, _host.OutputPath("b.parquet"), CancellationToken.None);

        Assert.Equal([0.1, 0.3, 0.3], (await TrainingSetFile.ReadAsync(_host.OutputPath("a.parquet"))).Column("rate"));
        Assert.Equal([null, 0.2, 0.3], (await TrainingSetFile.ReadAsync(_host.OutputPath("b.parquet"))).Column("rate"));
    }

    [Fact]
    public async Task Full_tie_goes_to_the_later_file_then_the_later_row()
    {
        var row = (DateTime ts, double v) => (1L, ts, ts, v);
        var at = T("2024-01-01T10:00:00Z");
        await _host.WriteParquetArtifactAsync("data/tie/a.parquet", new Frames(("driver_id", VT.Int64), ("event_ts", VT.Timestamp), ("created_ts", VT.Timestamp), ("rate", VT.Float64))
            .Row(1L, at, at, 1.0).Row(1L, at, at, 2.0).Row(2L, at, at, 5.0).Build());
        await _host.WriteParquetArtifactAsync("data/tie/b.parquet", new Frames(("driver_id", VT.Int64), ("event_ts", VT.Timestamp), ("created_ts", VT.Timestamp), ("rate", VT.Float64))
            .Row(1L, at, at, 3.0).Build());
        _ = row;
        var view = View("tie", ["driver"], [F("rate", VT.Float64)], "tie_src", null);
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp)).Row(1L, at).Row(2L, at).Build();
        var job = Job(EntityInput.FromFrame(entities), [Select(view, "rate")], [Source("tie_src", "artifacts:data/tie/*.parquet", created: "created_ts")], [Driver]);

        await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None);

        // driver 1: b.parquet is the later file; driver 2 only has one row.
        Assert.Equal([3.0, 5.0], (await TrainingSetFile.ReadAsync(_host.OutputPath())).Column("rate"));
    }
}
