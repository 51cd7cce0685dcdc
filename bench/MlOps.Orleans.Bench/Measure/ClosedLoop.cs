using System.Diagnostics;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Workers that each send their next call as soon as the previous one returns, for a fixed time: the throughput a given
/// number of concurrent writers reaches. (Latency under a fixed arrival rate is <see cref="OpenLoop"/>'s job.)
/// </summary>
internal static class ClosedLoop
{
    /// <param name="call">(worker, iteration) → values the call carried.</param>
    public static async Task<LoopResult> RunAsync(int workers, TimeSpan duration, Func<int, long, CancellationToken, Task<long>> call, CancellationToken ct)
    {
        var errors = new ErrorLog();
        long values = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var own = new List<double>();
            for (long i = 0; Stopwatch.GetTimestamp() < deadline; i++)
            {
                ct.ThrowIfCancellationRequested();
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    Interlocked.Add(ref values, await call(w, i, ct));
                    own.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    errors.Add(e);
                }
            }
            return own;
        }, ct)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new LoopResult(values, elapsed, Stats.Summarize(latencies.SelectMany(l => l)), errors);
    }
}
