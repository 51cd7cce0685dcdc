using System.Diagnostics;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>Cancelling a retrieval interrupts DuckDB mid-query and leaves no file behind.</summary>
[Trait("Category", Category.Unit)]
public sealed class CancellationTests : IDisposable
{
    private readonly OfflineTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Cancellation_interrupts_a_long_query_promptly()
    {
        // A SQL view generating 300 million rows keeps DuckDB busy for far longer than the test waits; it reads no file.
        var view = SqlView("busy", ["driver"], [F("v", VT.Float64)], [],
            "SELECT (i % 1000)::BIGINT AS driver_id, TIMESTAMP '2024-01-01' + to_microseconds(i) AS event_ts, sqrt(i)::DOUBLE AS v FROM range(300000000) t(i)", null);
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp)).Row(1L, T("2024-02-01T00:00:00Z")).Build();
        var job = Job(EntityInput.FromFrame(entities), [Select(view, "v")], [], [PointInTimeScenario.Driver]);
        using var cancel = new CancellationTokenSource();
        var running = _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), cancel.Token);
        var tmp = _host.Options.TempDirectory;
        await WaitUntilAsync(() => Directory.Exists(tmp) && Directory.EnumerateDirectories(tmp, "duckdb-*").Any());
        // The session is open: give DuckDB half a second into the query (it needs minutes), then cancel.
        var clock = new Stopwatch();
        cancel.Token.Register(clock.Start);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {clock.Elapsed}");
        Assert.Empty(Directory.GetFileSystemEntries(_host.Output));
        Assert.Empty(Directory.EnumerateDirectories(tmp, "duckdb-*"));
    }

    [Fact]
    public async Task Already_cancelled_token_writes_nothing()
    {
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp)).Row(1L, T("2024-02-01T00:00:00Z")).Build();
        var job = Job(EntityInput.FromFrame(entities), [], [], []);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), new CancellationToken(true)));
        Assert.Empty(Directory.GetFileSystemEntries(_host.Output));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("the retrieval never started");
            await Task.Yield();
        }
    }
}
