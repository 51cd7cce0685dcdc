using MlOps.Orleans.Bench.Workloads;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>The figures of a throughput run (batch and stream ingest): per-window rates, their median and minimum, and the
/// server's CPU per 1,000 values over the whole run.</summary>
[Trait("Category", Category.Unit)]
public sealed class ThroughputStatsTests
{
    [Fact]
    public void Median_and_minimum_are_taken_over_the_per_window_rates()
    {
        var kept = new[] { Sample(200_000, 1), Sample(500_000, 2), Sample(180_000, 1) };
        Assert.Equal(200_000, ThroughputStats.MedianRate(kept));
        Assert.Equal(180_000, ThroughputStats.MinRate(kept));
    }

    [Fact]
    public void No_kept_window_gives_no_figure_rather_than_zero()
    {
        Assert.True(double.IsNaN(ThroughputStats.MedianRate([])));
        Assert.True(double.IsNaN(ThroughputStats.MinRate([])));
        Assert.True(double.IsNaN(ThroughputStats.ServerCpuMsPerThousandValues([])));
    }

    [Fact]
    public void Server_cpu_per_thousand_values_is_the_runs_cpu_time_over_its_values()
    {
        // 1.2 s + 0.8 s of server CPU for 250,000 + 150,000 values: 2,000 ms / 400 thousand values = 5 ms per 1,000.
        var kept = new[] { Sample(250_000, 1, 1.2), Sample(150_000, 1, 0.8) };
        Assert.Equal(5.0, ThroughputStats.ServerCpuMsPerThousandValues(kept), 9);
    }

    [Fact]
    public void Windows_without_the_servers_cpu_are_left_out_of_the_cost_not_counted_as_free()
    {
        var kept = new[] { Sample(100_000, 1, 0.5), Sample(900_000, 1, null) };
        Assert.Equal(5.0, ThroughputStats.ServerCpuMsPerThousandValues(kept), 9);
    }

    private static ThroughputStats.Sample Sample(long values, double seconds, double? serverCpuSeconds = null) => new(values, seconds, serverCpuSeconds);
}
