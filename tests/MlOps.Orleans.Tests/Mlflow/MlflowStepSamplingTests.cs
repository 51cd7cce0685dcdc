using MlOps.Orleans.Gateway.Mlflow;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>The steps get-history-bulk-interval picks: the cases MLflow 2.22's own tests fix for its sampler.</summary>
[Trait("Category", Category.Unit)]
public sealed class MlflowStepSamplingTests
{
    [Theory]
    [InlineData(0, 10, 5, 0, 10, 1, new long[] { 0, 2, 4, 6, 8, 9 })]
    [InlineData(4, 8, 5, 0, 10, 1, new long[] { 4, 5, 6, 7, 8 })]
    [InlineData(0, 100, 5, 0, 101, 20, new long[] { 0, 20, 40, 60, 80, 100 })]
    [InlineData(0, 1000, 5, 0, 1001, 10, new long[] { 0, 200, 400, 600, 800, 1000 })]
    public void Evenly_spaced_picks_keep_the_last_step(long from, long to, int max, int first, int end, int stride, long[] expected)
    {
        var steps = Enumerable.Range(0, (end - first + stride - 1) / stride).Select(i => (long)(first + i * stride)).ToList();
        Assert.Equal(expected, MlflowStepSampling.Evenly(steps, from, to, max));
    }

    [Fact]
    public void Every_runs_first_and_last_step_is_added_within_the_range()
    {
        IReadOnlyList<IReadOnlyCollection<long>> runs = [Enumerable.Range(0, 10).Select(i => (long)i).ToList(), Enumerable.Range(0, 20).Select(i => (long)i).ToList()];
        Assert.Equal([0L, 4, 8, 9, 12, 16, 19], MlflowStepSampling.Choose(runs, null, null, 5));
        Assert.Equal([0L, 1, 2, 3, 4], MlflowStepSampling.Choose(runs, 0, 4, 5));
        Assert.Empty(MlflowStepSampling.Choose([[]], null, null, 5));
    }
}
