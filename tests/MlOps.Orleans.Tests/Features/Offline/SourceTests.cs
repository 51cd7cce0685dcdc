using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>Where rows come from: local roots, globs, CSV, hive partitions, entity datasets and push sources.</summary>
[Trait("Category", Category.Unit)]
public sealed class SourceTests : IDisposable
{
    private readonly OfflineTestHost _host = new();
    private static readonly EntitySpec Driver = PointInTimeScenario.Driver;

    public void Dispose() => _host.Dispose();

    private static FeatureFrame OneEntity(DateTime at) =>
        new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp)).Row(1L, at).Build();

    private static FeatureFrame Rates(params (DateTime At, double Rate)[] rows)
    {
        var frame = new Frames(("driver_id", VT.Int64), ("event_ts", VT.Timestamp), ("rate", VT.Float64));
        foreach (var (at, rate) in rows) frame.Row(1L, at, rate);
        return frame.Build();
    }

    private static FeatureViewSpec RateView(string source) => View("rates", ["driver"], [F("rate", VT.Float64)], source, null);

    private Task<RetrievalResult> RunAsync(DataSourceSpec source, FeatureFrame entities, string output = "training.parquet") =>
        _host.Store.GetHistoricalFeaturesAsync(Job(EntityInput.FromFrame(entities), [Select(RateView(source.Name), "rate")], [source], [Driver]),
            _host.OutputPath(output), CancellationToken.None);

    [Theory]
    [InlineData("file:{outside}/rates.parquet")]
    [InlineData("file:{root}/../outside/rates.parquet")]
    [InlineData("file:{root}/link/rates.parquet")]
    [InlineData("file:{root}/linked.parquet")]
    [InlineData("file:relative/rates.parquet")]
    public async Task File_source_outside_the_roots_is_refused_naming_the_source(string path)
    {
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(_host.Outside, "rates.parquet"), Rates((T("2024-01-01T00:00:00Z"), 1.0)));
        Directory.CreateSymbolicLink(Path.Join(_host.SourceRoot, "link"), _host.Outside);
        File.CreateSymbolicLink(Path.Join(_host.SourceRoot, "linked.parquet"), Path.Join(_host.Outside, "rates.parquet"));
        var source = Source("rates_src", path.Replace("{outside}", _host.Outside, StringComparison.Ordinal).Replace("{root}", _host.SourceRoot, StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<MlopsException>(() => RunAsync(source, OneEntity(T("2024-01-02T00:00:00Z"))));

        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("source 'rates_src'", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_host.Output));
    }

    [Fact]
    public async Task Recursive_glob_over_csv_with_hive_partitions()
    {
        await _host.WriteCsvArtifactAsync("data/rates/region=eu/day=1/a.csv", "driver_id,event_ts,rate\n1,2024-01-01 00:00:00,1.5\n");
        await _host.WriteCsvArtifactAsync("data/rates/region=us/day=2/b.csv", "driver_id,event_ts,rate\n1,2024-01-02 00:00:00,2.5\n");
        await _host.WriteCsvArtifactAsync("data/rates/region=us/day=2/ignored.txt", "not csv");
        var source = Source("rates_src", "artifacts:data/rates/**/*.csv", format: SourceFormat.Csv, hive: true);
        var view = View("rates", ["driver"], [F("rate", VT.Float64), F("region", VT.String), F("day", VT.Int64)], "rates_src", null);
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp))
            .Row(1L, T("2024-01-01T12:00:00Z")).Row(1L, T("2024-01-03T00:00:00Z")).Build();

        await _host.Store.GetHistoricalFeaturesAsync(Job(EntityInput.FromFrame(entities), [Select(view, "rate", "region", "day")], [source], [Driver]),
            _host.OutputPath(), CancellationToken.None);

        var file = await TrainingSetFile.ReadAsync(_host.OutputPath());
        Assert.Equal([1.5, 2.5], file.Column("rate"));
        Assert.Equal(["eu", "us"], file.Column("region"));
        Assert.Equal([1L, 2L], file.Column("day"));
    }

    [Fact]
    public async Task Local_file_glob_under_a_root()
    {
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(_host.SourceRoot, "rates", "2024", "a.parquet"), Rates((T("2024-01-01T00:00:00Z"), 1.0)));
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(_host.SourceRoot, "rates", "2025", "b.parquet"), Rates((T("2025-01-01T00:00:00Z"), 2.0)));
        var source = Source("rates_src", $"file:{_host.SourceRoot}/rates/*/?.parquet");

        await RunAsync(source, new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp))
            .Row(1L, T("2024-06-01T00:00:00Z")).Row(1L, T("2025-06-01T00:00:00Z")).Build());

        Assert.Equal([1.0, 2.0], (await TrainingSetFile.ReadAsync(_host.OutputPath())).Column("rate"));
    }

    [Fact]
    public async Task Source_matching_no_file_fails_naming_it()
    {
        var e = await Assert.ThrowsAsync<MlopsException>(() => RunAsync(Source("rates_src", "artifacts:data/none/*.parquet"), OneEntity(T("2024-01-01T00:00:00Z"))));
        Assert.Equal(ErrorCode.FailedPrecondition, e.Code);
        Assert.Contains("source 'rates_src'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entities.parquet")]
    [InlineData("entities.csv")]
    public async Task Entity_dataset_from_the_artifact_store_keeps_its_row_order(string name)
    {
        await _host.WriteParquetArtifactAsync("data/rates/a.parquet", Rates((T("2024-01-01T00:00:00Z"), 1.0), (T("2024-01-03T00:00:00Z"), 3.0)));
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp), ("n", VT.Int64));
        for (var i = 0; i < 3000; i++) entities.Row(i % 7 == 0 ? 2L : 1L, T("2024-01-02T00:00:00Z").AddHours(i % 48), (long)i);
        var frame = entities.Build();
        if (name.EndsWith(".csv", StringComparison.Ordinal)) await _host.WriteCsvArtifactAsync("input/" + name, OfflineTestHost.Csv(frame));
        else await _host.WriteParquetArtifactAsync("input/" + name, frame);
        var job = Job(EntityInput.FromArtifact("input/" + name), [Select(RateView("rates_src"), "rate")], [Source("rates_src", "artifacts:data/rates/*.parquet")], [Driver]);

        var result = await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None);

        var file = await TrainingSetFile.ReadAsync(_host.OutputPath());
        Assert.Equal(3000, result.RowCount);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (object?)(long)i), file.Column("n"));
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (object?)(i % 7 == 0 ? null : i % 48 < 24 ? 1.0 : 3.0)), file.Column("rate"));
    }

    [Fact]
    public async Task Zoned_and_date_timestamps_become_utc()
    {
        await _host.WriteCsvArtifactAsync("data/rates/a.csv", "driver_id,event_ts,rate\n1,2024-01-01 10:00:00+02:00,1.0\n1,2024-01-01 11:00:00+02:00,2.0\n");
        await _host.WriteCsvArtifactAsync("input/entities.csv", "driver_id,event_timestamp,day\n1,2024-01-01T08:30:00Z,2024-01-05\n1,2024-01-01 09:00:00+00:00,2024-01-06\n");
        var job = Job(EntityInput.FromArtifact("input/entities.csv"), [Select(RateView("rates_src"), "rate")],
            [Source("rates_src", "artifacts:data/rates/*.csv", format: SourceFormat.Csv)], [Driver]);

        var result = await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None);

        var file = await TrainingSetFile.ReadAsync(_host.OutputPath());
        // 10:00+02 is 08:00Z and 11:00+02 is 09:00Z: at 08:30Z only the first row exists, at 09:00Z the second.
        Assert.Equal([1.0, 2.0], file.Column("rate"));
        Assert.Equal([T("2024-01-01T08:30:00Z"), T("2024-01-01T09:00:00Z")], file.Column("event_timestamp"));
        Assert.Equal([T("2024-01-05T00:00:00Z"), T("2024-01-06T00:00:00Z")], file.Column("day"));
        Assert.Equal(VT.Timestamp, result.Schema.Single(f => f.Name == "day").Type);
    }

    [Fact]
    public async Task Pushed_rows_are_stored_per_date_and_read_back_later_push_winning_ties()
    {
        var push = Push("rates_push", [F("driver_id", VT.Int64), F("event_ts", VT.Timestamp), F("rate", VT.Float64)]);
        var view = RateView("rates_push");
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp))
            .Row(1L, T("2024-01-01T12:00:00Z")).Row(1L, T("2024-01-02T12:00:00Z")).Build();
        var job = Job(EntityInput.FromFrame(entities), [Select(view, "rate")], [push], [Driver]);

        // Nothing pushed yet: the view has no rows, every value is missing.
        await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath("empty.parquet"), CancellationToken.None);
        Assert.Equal([null, null], (await TrainingSetFile.ReadAsync(_host.OutputPath("empty.parquet"))).Column("rate"));

        var first = await _host.Store.AppendPushedRowsAsync(push, Rates((T("2024-01-01T10:00:00Z"), 1.0), (T("2024-01-02T10:00:00Z"), 2.0)), CancellationToken.None);
        var second = await _host.Store.AppendPushedRowsAsync(push, Rates((T("2024-01-02T10:00:00Z"), 20.0)), CancellationToken.None);

        Assert.Equal(2, first.Rows);
        Assert.Equal(2, first.Files.Count);
        Assert.StartsWith("feature-store/push/rates_push/date=2024-01-01/", first.Files[0], StringComparison.Ordinal);
        Assert.StartsWith("feature-store/push/rates_push/date=2024-01-02/", first.Files[1], StringComparison.Ordinal);
        Assert.Single(second.Files);
        await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None);
        Assert.Equal([1.0, 20.0], (await TrainingSetFile.ReadAsync(_host.OutputPath())).Column("rate"));
    }
}
