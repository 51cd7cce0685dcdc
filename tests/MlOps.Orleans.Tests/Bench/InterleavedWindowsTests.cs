using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Bench.Workloads;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>Interleaved steps (artifact transfer): windows fixed before the run, window-major order, and a void step
/// measuring the whole set again, at most twice.</summary>
[Trait("Category", Category.Unit)]
public sealed class InterleavedWindowsTests
{
    private static readonly CpuUse Idle = new(0, 0, 0, 0, 0);

    [Fact]
    public async Task Steps_run_window_by_window_and_keep_their_own_windows()
    {
        var order = new List<(int Step, int Window)>();
        var runs = await InterleavedWindows.RunAsync(WindowRules.Default, steps: 2, windows: 3, (s, w, a) =>
        {
            order.Add((s, w));
            return Task.FromResult(Window($"{s}:{w}", kept: true));
        });
        Assert.Equal([(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2)], order);
        Assert.Equal(["1:0", "1:1", "1:2"], runs[1].Windows.Select(w => w.Result));
        Assert.All(runs, r => Assert.Equal([0], r.DiscardedPerAttempt));
    }

    [Fact]
    public async Task A_discarded_minority_is_counted_not_replaced()
    {
        var runs = await InterleavedWindows.RunAsync(WindowRules.Default, steps: 1, windows: 3, (s, w, a) => Task.FromResult(Window("x", kept: w != 1)));
        Assert.Equal(3, runs[0].Windows.Count);
        Assert.Equal(1, runs[0].Discarded);
        Assert.False(runs[0].Void);
        Assert.Equal(1, runs[0].Attempts);
    }

    [Fact]
    public async Task One_void_step_measures_every_step_again()
    {
        var calls = 0;
        // Step 1 loses both windows on the first attempt only.
        var runs = await InterleavedWindows.RunAsync(WindowRules.Default, steps: 2, windows: 2, (s, w, a) =>
        {
            calls++;
            return Task.FromResult(Window($"a{a}", kept: !(s == 1 && a == 0)));
        });
        Assert.Equal(8, calls);
        Assert.Equal([0, 0], runs[0].DiscardedPerAttempt);
        Assert.Equal([2, 0], runs[1].DiscardedPerAttempt);
        Assert.All(runs, r => Assert.All(r.Windows, w => Assert.Equal("a1", w.Result)));
        Assert.False(runs[1].Void);
    }

    [Fact]
    public async Task A_run_still_void_after_two_retries_is_reported_void()
    {
        var runs = await InterleavedWindows.RunAsync(WindowRules.Default, steps: 1, windows: 2, (s, w, a) => Task.FromResult(Window("x", kept: false)));
        Assert.Equal(1 + WindowRules.MaxVoidRetries, runs[0].Attempts);
        Assert.True(runs[0].Void);
    }

    private static JudgedWindow<string> Window(string result, bool kept) =>
        new(result, Idle, null, 0, TimeSpan.FromSeconds(10), kept ? WindowVerdict.Keep : WindowVerdict.Discard("others"));
}
