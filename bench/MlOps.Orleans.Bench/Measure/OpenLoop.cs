using System.Diagnostics;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Calls sent at a fixed arrival rate whatever the server does, each timed from the moment it was scheduled to go out:
/// when the server falls behind, the queueing shows in the latency instead of silently lowering the offered rate
/// (the coordinated-omission trap of closed-loop drivers).
/// </summary>
internal static class OpenLoop
{
    public static async Task<OpenLoopResult> RunAsync(double rate, TimeSpan duration, Func<long, Task> call, ErrorLog errors)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var lateness = new double[total];
        var calls = new Task[total];
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 50;
        long lastCompletion = start;

        async Task SendAsync(long i, long scheduled)
        {
            try
            {
                await call(i);
                var done = Stopwatch.GetTimestamp();
                latencies[i] = Stopwatch.GetElapsedTime(scheduled, done).TotalMilliseconds;
                InterlockedMax(ref lastCompletion, done);
            }
            catch (Exception e)
            {
                latencies[i] = double.NaN;
                errors.Add(e);
            }
        }

        // A dedicated thread: a thread-pool dispatcher would queue behind the very completions it is racing.
        var dispatcher = new Thread(() =>
        {
            PreciseSleep.TightenTimerSlack();
            for (var i = 0; i < total; i++)
            {
                var scheduled = start + (long)(i * interval);
                PreciseSleep.Until(scheduled);
                lateness[i] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
                calls[i] = SendAsync(i, scheduled);
            }
        }) { IsBackground = true, Name = "open-loop dispatcher", Priority = ThreadPriority.AboveNormal };
        dispatcher.Start();
        await Task.Run(dispatcher.Join);
        await Task.WhenAll(calls);

        var ok = latencies.Where(double.IsFinite).ToList();
        var window = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastCompletion)).TotalSeconds;
        return new OpenLoopResult(rate, Stats.Summarize(ok), Stats.Summarize(lateness), ok.Count / window, total - ok.Count) { Latencies = ok };
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
