using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>
/// The materialization and online cache instruments, read with a listener of our own: rows written are counted per view
/// (exactly, our view's name is unique), and an online lookup is a miss when the store was read and a hit once the shard
/// holds the answer. Other tests in the process count into the same instruments, so lookups are compared as lower bounds.
/// </summary>
[Collection(MaterializationCollection.Name)]
[Trait("Category", Category.Platform)]
public sealed class MaterializationMetricsTests(SqlitePlatformFixture platform) : MaterializationTestBase(platform), IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _rowsByView = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;

    [Fact]
    public async Task Rows_written_are_counted_per_view_and_online_lookups_as_hits_and_misses()
    {
        Listen();
        var repo = MaterializationRepo.New();
        await ApplyAsync(repo);
        await repo.WriteTripsAsync(Store, "part-0.parquet", (1, 0.1, 10, Day1, Day1), (2, 0.2, 20, Day1, Day1));
        await RunAsync(new MaterializationRequest([repo.Stats], Day1, Day1.AddDays(1), Incremental: false));
        Assert.Equal(2, _rowsByView.GetValueOrDefault(repo.Stats));

        // Key 3 was never written: the first read asks the store (a miss) and keeps the absence, the second is answered from memory.
        var misses = Interlocked.Read(ref _misses);
        Assert.Null(await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 3));
        Assert.True(Interlocked.Read(ref _misses) > misses, "the first read of an unknown key counted no miss");
        var hits = Interlocked.Read(ref _hits);
        Assert.Null(await OnlineReadBack.RowAsync(Platform.Services, repo.Stats, 3));
        Assert.True(Interlocked.Read(ref _hits) > hits, "the second read of the same key counted no hit");
    }

    private void Listen()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Stages.MeterName && instrument.Name is "mlops.materialization.rows_written" or "mlops.online.cache_lookups")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "view" && tag.Value is string view) _rowsByView.AddOrUpdate(view, value, (_, n) => n + value);
                else if (tag.Key == "result" && tag.Value is "hit") Interlocked.Add(ref _hits, value);
                else if (tag.Key == "result" && tag.Value is "miss") Interlocked.Add(ref _misses, value);
            }
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();
}
