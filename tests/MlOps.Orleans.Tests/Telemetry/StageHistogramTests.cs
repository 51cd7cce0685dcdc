using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Telemetry;

/// <summary>The stage histograms' buckets: placement, percentiles within the bucket resolution, merging and window diffs.</summary>
[Trait("Category", Category.Unit)]
public sealed class StageHistogramTests
{
    // A reported percentile is a bucket's geometric middle: within half a bucket's growth of any value in it.
    private static readonly double Tolerance = Math.Sqrt(LogBuckets.Growth) - 1 + 1e-9;

    [Theory]
    [InlineData(0.0015)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(12.7)]
    [InlineData(59_999.0)]
    public void A_value_falls_in_the_bucket_whose_bounds_hold_it(double ms)
    {
        var i = LogBuckets.IndexOf(ms);
        Assert.InRange(i, 1, LogBuckets.Count - 2);
        Assert.True(LogBuckets.LowerMs(i) <= ms * (1 + 1e-12) && ms < LogBuckets.UpperMs(i) * (1 + 1e-12), $"{ms} in [{LogBuckets.LowerMs(i)}, {LogBuckets.UpperMs(i)})");
    }

    [Fact]
    public void Out_of_range_values_land_in_the_edge_buckets()
    {
        Assert.Equal(0, LogBuckets.IndexOf(0));
        Assert.Equal(0, LogBuckets.IndexOf(-1));
        Assert.Equal(0, LogBuckets.IndexOf(double.NaN));
        Assert.Equal(0, LogBuckets.IndexOf(0.0005));
        Assert.Equal(LogBuckets.Count - 1, LogBuckets.IndexOf(60_000));
        Assert.Equal(LogBuckets.Count - 1, LogBuckets.IndexOf(double.PositiveInfinity));
    }

    [Fact]
    public void Percentiles_are_within_the_bucket_resolution_of_the_exact_ones()
    {
        var random = new Random(15);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 8 - 4)).ToArray(); // 0.018 .. 55 ms
        var histogram = new StageHistogram();
        foreach (var v in values) histogram.Record(v);
        var snapshot = histogram.Snapshot();
        Array.Sort(values);
        foreach (var q in new[] { 0.01, 0.5, 0.9, 0.99, 0.999, 1.0 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            var read = snapshot.Percentile(q)!.Value;
            Assert.True(Math.Abs(read / exact - 1) <= Tolerance, $"p{q * 100}: read {read}, exact {exact}");
        }
        Assert.Equal(values.Length, snapshot.Count);
        Assert.Equal(values.Average(), snapshot.MeanMs!.Value, 4);
    }

    [Fact]
    public void A_window_is_the_later_snapshot_minus_the_earlier_one()
    {
        var histogram = new StageHistogram();
        for (var i = 0; i < 1000; i++) histogram.Record(100); // before the window: slow
        var before = histogram.Snapshot();
        for (var i = 0; i < 500; i++) histogram.Record(0.2); // the window: fast
        var window = histogram.Snapshot().Minus(before);

        Assert.Equal(500, window.Count);
        Assert.Equal(0.2, window.MeanMs!.Value, 6);
        Assert.True(Math.Abs(window.Percentile(0.99)!.Value / 0.2 - 1) <= Tolerance);
        Assert.Equal(500, window.Buckets.Sum());
    }

    [Fact]
    public void Snapshots_of_two_processes_merge_bucket_by_bucket()
    {
        var a = new StageHistogram();
        var b = new StageHistogram();
        for (var i = 0; i < 90; i++) a.Record(1);
        for (var i = 0; i < 10; i++) b.Record(50);
        var merged = a.Snapshot().Plus(b.Snapshot());

        Assert.Equal(100, merged.Count);
        Assert.Equal((90 * 1 + 10 * 50) / 100.0, merged.MeanMs!.Value, 6);
        Assert.True(Math.Abs(merged.Percentile(0.5)!.Value - 1) <= Tolerance);
        Assert.True(Math.Abs(merged.Percentile(0.95)!.Value / 50 - 1) <= Tolerance);
    }

    [Fact]
    public void The_sparse_form_round_trips_and_refuses_foreign_indexes()
    {
        var histogram = new StageHistogram();
        foreach (var v in new[] { 0.01, 0.01, 3.0, 4000.0 }) histogram.Record(v);
        var snapshot = histogram.Snapshot();
        var copy = StageSnapshot.FromNonEmpty(snapshot.NonEmpty(), snapshot.Count, snapshot.SumMs);

        Assert.Equal(snapshot.Buckets, copy.Buckets);
        Assert.Equal(3, snapshot.NonEmpty().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => StageSnapshot.FromNonEmpty([(LogBuckets.Count, 1L)], 1, 1));
    }

    [Fact]
    public void An_empty_window_has_no_percentiles()
    {
        Assert.Null(StageSnapshot.Empty.Percentile(0.5));
        Assert.Null(StageSnapshot.Empty.MeanMs);
        Assert.Throws<ArgumentOutOfRangeException>(() => StageSnapshot.Empty.Percentile(1.5));
    }

    [Fact]
    public async Task Concurrent_writers_lose_no_value()
    {
        var histogram = new StageHistogram();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 25_000; i++) histogram.Record(0.5 + t);
        })));
        var snapshot = histogram.Snapshot();
        Assert.Equal(100_000, snapshot.Count);
        Assert.Equal(100_000, snapshot.Buckets.Sum());
    }
}
