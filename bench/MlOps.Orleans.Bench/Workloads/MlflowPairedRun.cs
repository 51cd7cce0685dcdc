using System.Globalization;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// The window rule of <see cref="Window.RunAsync{T}(MeasuredProcesses, int?, int, Func{int, Task{T}}, CancellationToken)"/>
/// for two servers: a number of window pairs fixed before the run; in pair <c>w</c> both servers get one window each,
/// ours first when <c>w</c> is even, MLflow first when odd (<see cref="FirstOf"/>), so neither always runs on the warmer or
/// the quieter half. Each window is judged on its own (<see cref="MlflowCompareWindow"/>); discarded ones are counted,
/// never replaced; the run is void when either server's run is (more than half of its windows discarded), and is then
/// measured again at most <see cref="WindowRules.MaxVoidRetries"/> times, both servers together.
/// </summary>
internal static class MlflowPairedRun
{
    /// <summary>The server measured first in window pair <paramref name="window"/>.</summary>
    public static int FirstOf(int window) => window % 2 == 0 ? MlflowPair.Ours : MlflowPair.Theirs;

    public static async Task<(WindowRun<MlflowPairedLoop.Result> Ours, WindowRun<MlflowPairedLoop.Result> Theirs)> RunAsync(Common common,
        MeasuredProcesses ours, int mlflowPid, int windows, Func<int, int, Task<MlflowPairedLoop.Result>> measure, CancellationToken ct)
    {
        if (windows < 1) throw new ArgumentOutOfRangeException(nameof(windows), windows, "a run needs at least one window");
        var discarded = new[] { new List<int>(), new List<int>() };
        for (var attempt = 0; ; attempt++)
        {
            var judged = new[] { new List<JudgedWindow<MlflowPairedLoop.Result>>(), new List<JudgedWindow<MlflowPairedLoop.Result>>() };
            for (var w = 0; w < windows; w++)
            {
                var first = FirstOf(w);
                foreach (var server in new[] { first, 1 - first })
                {
                    var window = w;
                    var one = await MlflowCompareWindow.JudgeAsync(common, ours, mlflowPid, () => measure(server, window), ct);
                    judged[server].Add(one);
                    if (!one.Verdict.Kept) Console.Error.WriteLine($"#   {MlflowPair.Name(server)} window {w + 1}/{windows} discarded: {one.Verdict.Reason}");
                }
            }
            var isVoid = false;
            for (var server = 0; server < 2; server++)
            {
                var count = judged[server].Count(j => !j.Verdict.Kept);
                discarded[server].Add(count);
                isVoid |= WindowRules.IsVoid(windows, count);
            }
            if (!WindowRules.Retry(attempt, isVoid))
                return (new WindowRun<MlflowPairedLoop.Result>(common.Window.Rules, windows, judged[0], discarded[0]),
                    new WindowRun<MlflowPairedLoop.Result>(common.Window.Rules, windows, judged[1], discarded[1]));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"#   run void (discarded: ours {discarded[0][^1]}, mlflow {discarded[1][^1]} of {windows}); measuring the run again ({attempt + 1} of {WindowRules.MaxVoidRetries})"));
        }
    }
}
