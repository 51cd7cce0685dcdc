using System.Diagnostics;
using System.Globalization;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Measured windows judged by <see cref="WindowRules"/>: each window waits for a quiet machine (<c>--wait-quiet</c>), is
/// measured with CPU accounting and /proc/stat's steal time, and is kept or discarded. <see cref="RunAsync{T}(MeasuredProcesses, int?, int, Func{int, Task{T}}, CancellationToken)"/>
/// is the rule: a number of windows fixed before the run, discarded ones counted (never replaced), the run void when more
/// than half are discarded and then measured again at most twice.
/// </summary>
internal sealed class Window(QuietMachine quiet, WindowRules rules)
{
    public WindowRules Rules => rules;

    /// <summary>The rule, for a started or targeted server: <paramref name="windows"/> windows, <paramref name="measure"/>
    /// given the window's index.</summary>
    public Task<WindowRun<T>> RunAsync<T>(BenchTarget target, int windows, Func<int, Task<T>> measure, CancellationToken ct) =>
        RunAsync(target.Measured, null, windows, measure, ct);

    /// <summary>The rule; <paramref name="extraPid"/> is one more measured process (Redis, Azurite) whose CPU is not "others".</summary>
    public async Task<WindowRun<T>> RunAsync<T>(MeasuredProcesses measured, int? extraPid, int windows, Func<int, Task<T>> measure, CancellationToken ct)
    {
        if (windows < 1) throw new ArgumentOutOfRangeException(nameof(windows), windows, "a run needs at least one window");
        var discardedPerAttempt = new List<int>();
        for (var attempt = 0; ; attempt++)
        {
            var judged = new List<JudgedWindow<T>>(windows);
            for (var w = 0; w < windows; w++)
            {
                var index = w;
                judged.Add(await JudgeAsync(measured, extraPid, () => measure(index), ct));
                if (!judged[^1].Verdict.Kept) Console.Error.WriteLine($"#   window {w + 1}/{windows} discarded: {judged[^1].Verdict.Reason}");
            }
            var discarded = judged.Count(j => !j.Verdict.Kept);
            discardedPerAttempt.Add(discarded);
            var isVoid = WindowRules.IsVoid(windows, discarded);
            if (!WindowRules.Retry(attempt, isVoid)) return new WindowRun<T>(rules, windows, judged, discardedPerAttempt);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"#   run void ({discarded} of {windows} windows discarded); measuring the run again ({attempt + 1} of {WindowRules.MaxVoidRetries})"));
        }
    }

    /// <summary>One window, measured and judged.</summary>
    public async Task<JudgedWindow<T>> JudgeAsync<T>(MeasuredProcesses measured, int? extraPid, Func<Task<T>> measure, CancellationToken ct)
    {
        await quiet.WaitAsync(measured, ct);
        var meter = new CpuMeter(measured);
        // A tree, like every process the bench charges: Azurite's workers and any child that ended in the window count.
        var extra = extraPid is { } pid ? new ProcessTreeCpu(pid) : null;
        var started = Stopwatch.GetTimestamp();
        var result = await measure();
        var cpu = meter.Stop();
        double? extraCores = extra is null ? null : Math.Round(extra.Stop(), 2);
        var elapsed = Stopwatch.GetElapsedTime(started);
        // With the server's process unknown (--target without --server-pid) everything but this driver counts as others:
        // strict on purpose, a run that cannot tell its server from a neighbour is not judged kindly.
        var other = (cpu.OtherCores ?? Math.Max(0, cpu.MachineCores - cpu.ClientCores)) - (extraCores ?? 0);
        return new JudgedWindow<T>(result, cpu, extraCores, Math.Max(0, other), elapsed, rules.Judge(other, cpu.StealPercent, elapsed));
    }
}
