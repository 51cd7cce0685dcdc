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
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM read_parquet('{root}/trips/*.parquet')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM read_parquet(['{root}/trips/trips.parquet', '{outside}/secret.parquet'], union_by_name = true)")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM '{outside}/secret.parquet'")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, length(content)::DOUBLE AS fare FROM read_blob('{outside}/secret.parquet')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM read_parquet('{other}/secret.parquet')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM glob('{root}/**')")]
    [InlineData("SELECT 1::BIGINT AS driver_id, now()::TIMESTAMP AS event_ts, 1.0::DOUBLE AS fare FROM read_json_auto('/proc/self/environ')")]
    public async Task Reading_anything_but_declared_sources_is_refused(string sql)
    {
        // Another project's data folder: a sibling of the source root holding a readable file.
        var other = Directory.CreateDirectory(Path.Join(_host.Root, "other-project")).FullName;
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(other, "secret.parquet"), new Frames(("secret", VT.String)).Row("other").Build());
        var job = await JobWithSqlAsync(sql);

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

    /// <summary>
    /// Each hides a second statement from a text scanner; the breakout cases also close the store's wrapping parentheses.
    /// DuckDB's parser reads the view's SQL on its own before it is wrapped, so nothing after the first query ever runs.
    /// </summary>
    [Theory]
    [InlineData("SELECT driver_id, event_ts, fare, $$'$$ AS pad FROM trips) AS a) AS b; ATTACH ':memory:' AS smuggled; SELECT * FROM ((SELECT 1 AS y --'", Breakout)]
    [InlineData("SELECT driver_id, event_ts, fare, E'\\'' AS pad FROM trips) AS a) AS b; CREATE TABLE smuggled AS SELECT 1; SELECT * FROM ((SELECT 1 AS y --'", Breakout)]
    [InlineData("SELECT driver_id, event_ts, fare /* /* */ ' */ FROM trips) AS a) AS b; SET threads = 1; SELECT * FROM ((SELECT 1 AS y --'", Breakout)]
    [InlineData("SELECT driver_id, event_ts, fare FROM trips --\r) AS a) AS b; INSTALL httpfs; SELECT * FROM ((SELECT 1 AS y", Breakout)]
    [InlineData("SELECT driver_id, event_ts, fare FROM trips) AS a) AS b; COPY (SELECT 42) TO 'leak.csv'; SELECT * FROM ((SELECT 1 AS y", Breakout)]
    [InlineData("SELECT driver_id, event_ts, fare, $$'$$ AS pad FROM trips; ATTACH ':memory:' AS smuggled --'", NotAQuery)]
    [InlineData("SELECT driver_id, event_ts, fare FROM trips; EXPORT DATABASE 'leak'", NotAQuery)]
    [InlineData("SELECT driver_id, event_ts, fare FROM trips; SELECT driver_id, event_ts, fare FROM trips", "DuckDB reads 2 statements in it")]
    public async Task Statements_hidden_from_a_text_scanner_are_refused_before_anything_runs(string sql, string reason)
    {
        var job = await JobWithSqlAsync(sql);
        var e = await Assert.ThrowsAsync<MlopsException>(() => _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("feature view 'fares'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_host.Output));
    }

    private const string Breakout = "the SQL does not parse: syntax error at or near \")\"";
    private const string NotAQuery = "must be a single SELECT or WITH query; DuckDB reads a statement in it that is not a query";

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
