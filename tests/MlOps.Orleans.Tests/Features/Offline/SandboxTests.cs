using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>SQL in a view can read its declared sources and nothing else, and cannot lift the restriction.</summary>
[Trait("Category", Category.Unit)]
public sealed class SandboxTests : IDisposable
{
    private readonly OfflineTestHost _host = new();

    public void Dispose() => _host.Dispose();

    private async Task<RetrievalJob> JobWithSqlAsync(string sql)
    {
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(_host.SourceRoot, "trips", "trips.parquet"),
            new Frames(("driver_id", VT.Int64), ("event_ts", VT.Timestamp), ("fare", VT.Float64)).Row(1L, T("2024-01-01T00:00:00Z"), 10.0).Build());
        // A file beside the declared one, in the same folder, and one outside every source root.
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(_host.SourceRoot, "trips", "undeclared.parquet"),
            new Frames(("secret", VT.String)).Row("beside").Build());
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(_host.Outside, "secret.parquet"), new Frames(("secret", VT.String)).Row("outside").Build());
        var view = SqlView("fares", ["driver"], [F("fare", VT.Float64)], ["trips"], sql, null);
        return Job(EntityInput.FromFrame(new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp)).Row(1L, T("2024-01-02T00:00:00Z")).Build()),
            [Select(view, "fare")], [Source("trips", $"file:{_host.SourceRoot}/trips/trips.parquet")], [PointInTimeScenario.Driver]);
    }

    [Fact]
    public async Task Declared_source_is_readable()
    {
        var job = await JobWithSqlAsync("SELECT driver_id, event_ts, fare * 2 AS fare FROM trips -- a trailing comment");
        await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None);
        Assert.Equal([20.0], (await TrainingSetFile.ReadAsync(_host.OutputPath())).Column("fare"));
    }

    [Theory]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM read_csv('/etc/passwd')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, length(content)::DOUBLE AS fare FROM read_text('/etc/hostname')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM glob('/etc/*')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, length(secret)::DOUBLE AS fare FROM read_parquet('{outside}/secret.parquet')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, length(secret)::DOUBLE AS fare FROM read_parquet('{root}/trips/undeclared.parquet')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, length(secret)::DOUBLE AS fare FROM read_parquet('{root}/trips/../../outside/secret.parquet')")]
    public async Task Reading_anything_but_declared_sources_is_refused(string sql)
    {
        var job = await JobWithSqlAsync(sql.Replace("{outside}", _host.Outside, StringComparison.Ordinal).Replace("{root}", _host.SourceRoot, StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<MlopsException>(() => _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None));

        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("feature view 'fares'", e.Message, StringComparison.Ordinal);
        Assert.Contains("not allowed", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_host.Output));
    }

    [Theory]
    [InlineData("SELECT * FROM trips; SET enable_external_access = true")]
    [InlineData("SET enable_external_access = true")]
    [InlineData("SELECT * FROM trips); SET enable_external_access = true; SELECT * FROM (SELECT 1")]
    public async Task Statements_smuggled_into_view_sql_are_refused(string sql)
    {
        var job = await JobWithSqlAsync(sql);
        var e = await Assert.ThrowsAsync<MlopsException>(() => _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("feature view 'fares'", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_host.Output));
    }

    [Fact]
    public void Session_configuration_is_locked_after_the_sandbox_is_set()
    {
        using var session = DuckDbSession.Open(_host.Options, []);
        foreach (var statement in new[] { "SET enable_external_access = true", "RESET enable_external_access", "SET allowed_directories = ['/']", "SET lock_configuration = false" })
        {
            var e = Assert.ThrowsAny<Exception>(() => session.Execute(statement, "test", CancellationToken.None));
            Assert.Contains("locked", e.Message, StringComparison.OrdinalIgnoreCase);
        }
        var read = Assert.Throws<MlopsException>(() => session.Execute("CREATE TABLE x AS SELECT * FROM read_csv('/etc/passwd')", "test", CancellationToken.None));
        Assert.Contains("not allowed", read.Message, StringComparison.Ordinal);
    }
}
