using System.Diagnostics;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One closed-loop window on one server: each client posts its next shared body (<see cref="MlflowPairedRequests"/>) as
/// soon as the previous answer is read, for a fixed time. Every request's latency is kept (not a per-window summary), so
/// p50/p99 over all requests of all rounds can be computed afterwards.
/// </summary>
internal static class MlflowPairedLoop
{
    public sealed record Result(List<double> Latencies, long Requests, long Values, TimeSpan Elapsed, ErrorLog Errors)
    {
        public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
        public double ValuesPerSecond => Values / Elapsed.TotalSeconds;
    }

    /// <param name="check">Optional check of an answer, called outside the timed part of the call; a false answer is an error.</param>
    public static async Task<Result> RunAsync(HttpClient[] connections, int server, string route, MlflowPairedRequests requests, TimeSpan duration,
        int valuesPerCall, Func<int, byte[], byte[], string?>? check, CancellationToken ct)
    {
        var errors = new ErrorLog();
        long values = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = await Task.WhenAll(connections.Select((connection, client) => Task.Run(async () =>
        {
            var own = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                ct.ThrowIfCancellationRequested();
                var body = requests.Next(server, client);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    var answer = await MlflowHttp.PostAsync(connection, route, body, ct);
                    var latency = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    if (check?.Invoke(client, body, answer) is { } wrong) throw new InvalidDataException(wrong);
                    own.Add(latency);
                    Interlocked.Add(ref values, valuesPerCall);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    errors.Add(e);
                }
            }
            return own;
        }, ct)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = latencies.SelectMany(l => l).ToList();
        return new Result(all, all.Count, values, elapsed, errors);
    }
}
