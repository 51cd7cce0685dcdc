using MlOps.Orleans.Bench.Floors;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>Percentiles over all requests of the kept windows, and the floor-relative targets of issue 15 item 3.</summary>
[Trait("Category", Category.Unit)]
public sealed class LatencyStatsTests
{
    [Fact]
    public void The_p99_is_taken_over_all_requests_not_as_a_median_of_window_p99s()
    {
        // Two quiet windows and one with a 5% tail at 50 ms: the median of the windows' p99s hides the tail entirely.
        double[] quiet = [.. Enumerable.Repeat(1.0, 100)];
        double[] tail = [.. Enumerable.Repeat(1.0, 95), .. Enumerable.Repeat(50.0, 5)];
        var medianOfP99s = Stats.Median([Stats.Summarize(quiet).P99, Stats.Summarize(tail).P99, Stats.Summarize(quiet).P99]);
        Assert.Equal(1.0, medianOfP99s);

        var all = Stats.SummarizeAll([quiet, tail, quiet]);
        Assert.Equal(300, all.Count);
        // 5 of 300 requests (1.7%) took 50 ms, so the run's p99 is 50 ms.
        Assert.Equal(50.0, all.P99);
        Assert.Equal(1.0, all.P50);
    }

    [Fact]
    public void Percentiles_are_nearest_rank_latencies_some_request_really_had()
    {
        var summary = Stats.SummarizeAll([[4.0, 1.0], [3.0, 2.0]]);
        Assert.Equal((2.0, 4.0, 4.0), (summary.P50, summary.P99, summary.Max));
        Assert.True(double.IsNaN(Stats.SummarizeAll([]).P99));
    }

    [Fact]
    public void Durable_write_target_allows_three_fsyncs_above_the_grpc_floor()
    {
        Assert.Equal("met", FloorTargets.DurableWrite(p50: 0.95, grpcFloorP50: 0.1, fsyncP50: 0.3).Outcome);
        var missed = FloorTargets.DurableWrite(p50: 1.4, grpcFloorP50: 0.1, fsyncP50: 0.3);
        Assert.Equal("missed", missed.Outcome);
        Assert.Equal(1.0, missed.Limit, 9);
    }

    [Fact]
    public void Online_targets_are_stated_against_the_floor_p50_and_p99()
    {
        var one = FloorTargets.Online(1, p50: 0.3, p99: 1.0, grpcFloorP50: 0.25, grpcFloorP99: 0.6);
        Assert.Equal(new[] { "met", "met" }, one.Select(c => c.Outcome));
        Assert.Equal(0.35, one[0].Limit, 9);
        Assert.Equal(1.1, one[1].Limit, 9);
        Assert.Equal(new[] { "missed", "missed" }, FloorTargets.Online(1, 0.36, 1.2, 0.25, 0.6).Select(c => c.Outcome));

        var hundred = Assert.Single(FloorTargets.Online(100, p50: 2, p99: 3.7, grpcFloorP50: 0.25, grpcFloorP99: 0.6));
        Assert.Equal("missed", hundred.Outcome);
        Assert.Equal(3.6, hundred.Limit, 9);
        Assert.Empty(FloorTargets.Online(10, 1, 1, 1, 1));
    }

    [Fact]
    public void A_target_without_a_floor_is_unknown_not_met()
    {
        Assert.Equal("unknown", FloorTargets.DurableWrite(1, double.NaN, 0.3).Outcome);
    }
}
