using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>The benchmark rules of issue 15: which windows count, when a run is void, how often it is measured again.</summary>
[Trait("Category", Category.Unit)]
public sealed class WindowRulesTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [Fact]
    public void Defaults_are_a_tenth_of_a_core_of_others_and_two_percent_steal()
    {
        Assert.Equal((0.1, 2.0), (WindowRules.Default.MaxOtherCores, WindowRules.Default.MaxStealPercent));
    }

    [Theory]
    [InlineData(0.0, 0.0, true)]
    [InlineData(0.1, 2.0, true)]    // at the thresholds: kept (the rule discards what exceeds them)
    [InlineData(0.11, 0.0, false)]
    [InlineData(0.0, 2.1, false)]
    [InlineData(0.5, 10.0, false)]
    public void A_window_is_kept_unless_others_or_steal_exceed_the_thresholds(double others, double steal, bool kept)
    {
        var verdict = WindowRules.Default.Judge(others, steal, TenSeconds);
        Assert.Equal(kept, verdict.Kept);
        Assert.True(verdict.Judged);
    }

    [Fact]
    public void A_discarded_window_names_every_threshold_it_broke()
    {
        var verdict = WindowRules.Default.Judge(0.3, 5, TenSeconds);
        Assert.False(verdict.Kept);
        Assert.Contains("others 0.30 cores > 0.10", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("steal 5.0% > 2.0%", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Overridden_thresholds_are_the_ones_applied()
    {
        var lenient = new WindowRules(0.5, 10);
        Assert.True(lenient.Judge(0.3, 5, TenSeconds).Kept);
        Assert.False(lenient.Judge(0.6, 0, TenSeconds).Kept);
    }

    [Fact]
    public void Windows_too_short_to_account_or_without_proc_stat_are_kept_but_marked_unjudged()
    {
        var shortWindow = WindowRules.Default.Judge(5, 50, TimeSpan.FromMilliseconds(500));
        Assert.True(shortWindow.Kept);
        Assert.False(shortWindow.Judged);
        var blind = WindowRules.Default.Judge(double.NaN, double.NaN, TenSeconds);
        Assert.True(blind.Kept);
        Assert.False(blind.Judged);
    }

    [Fact]
    public void Unknown_steal_alone_does_not_hide_too_many_others()
    {
        Assert.False(WindowRules.Default.Judge(0.2, double.NaN, TenSeconds).Kept);
    }

    [Theory]
    [InlineData(3, 0, false)]
    [InlineData(3, 1, false)]
    [InlineData(3, 2, true)]
    [InlineData(4, 2, false)]    // exactly half is not more than half
    [InlineData(4, 3, true)]
    [InlineData(1, 1, true)]
    public void A_run_is_void_when_more_than_half_its_planned_windows_are_discarded(int planned, int discarded, bool isVoid)
    {
        Assert.Equal(isVoid, WindowRules.IsVoid(planned, discarded));
    }

    [Fact]
    public void A_void_run_is_measured_again_at_most_twice()
    {
        Assert.True(WindowRules.Retry(0, isVoid: true));
        Assert.True(WindowRules.Retry(1, isVoid: true));
        Assert.False(WindowRules.Retry(2, isVoid: true));
        Assert.False(WindowRules.Retry(0, isVoid: false));
    }
}
