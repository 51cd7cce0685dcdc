using System.Diagnostics;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Background ingest while searches are timed: <c>LogBatch</c> calls at a fixed rate (scheduled, not back to back, so the
/// load is the stated one whatever the server's speed) round-robin over runs of their own in the searched experiment.
/// They log a key no search reads (<c>train_loss</c>, fresh steps), so the brute-force answers stay exact while the
/// server writes the same tables (metrics, latest values) of the same experiment.
/// </summary>
internal sealed class SearchIngestLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ErrorLog _errors = new(abortAfter: 1_000_000);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;
    private long _sent;
    private long _acknowledged;
    private long _late;

    private SearchIngestLoad(ChannelPool pool, IReadOnlyList<string> runs, double rate, int batch)
    {
        Runs = runs.Count;
        Rate = rate;
        Batch = batch;
        _loop = Task.Run(() => LoopAsync(pool, runs, _stop.Token));
    }

    public double Rate { get; }

    public int Runs { get; }

    public int Batch { get; }

    public static async Task<SearchIngestLoad> StartAsync(ChannelPool pool, string experimentId, int runCount, double rate, int batch, CancellationToken ct)
    {
        var runs = new List<string>();
        for (var i = 0; i < runCount; i++)
        {
            var run = await pool.Client(0).CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId, RunName = $"ingest-{i}" }, cancellationToken: ct);
            runs.Add(run.Info.RunId);
        }
        return new SearchIngestLoad(pool, runs, rate, batch);
    }

    private async Task LoopAsync(ChannelPool pool, IReadOnlyList<string> runs, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(1 / Rate);
        var steps = new long[runs.Count];
        var inFlight = new List<Task>();
        for (long n = 0; !ct.IsCancellationRequested; n++)
        {
            var due = interval * n;
            var wait = due - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            else if (wait < -interval)
            {
                Interlocked.Increment(ref _late);
            }
            var r = (int)(n % runs.Count);
            var request = new LogBatchRequest { RunId = runs[r] };
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var k = 0; k < Batch; k++) request.Metrics.Add(new Metric { Key = "train_loss", Value = 1.0 / (steps[r] + 1), Timestamp = now, Step = steps[r]++ });
            Interlocked.Increment(ref _sent);
            inFlight.Add(SendAsync(pool.Client((int)(n % 4)), request));
            if (inFlight.Count >= 256) inFlight.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(inFlight);
    }

    private async Task SendAsync(TrackingService.TrackingServiceClient client, LogBatchRequest request)
    {
        try
        {
            // No cancellation token: a call already sent is let finish, so the count of acknowledged batches is exact.
            await client.LogBatchAsync(request);
            Interlocked.Increment(ref _acknowledged);
        }
        catch (Exception e)
        {
            _errors.Add(e);
        }
    }

    /// <summary>Stops sending, waits for the calls in flight, and describes the load that ran.</summary>
    public async Task<JsonObject> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        var seconds = _clock.Elapsed.TotalSeconds;
        return new JsonObject
        {
            ["rate_per_s"] = Rate, ["batch_values"] = Batch, ["runs"] = Runs, ["seconds"] = Math.Round(seconds, 2), ["sent"] = Interlocked.Read(ref _sent),
            ["acknowledged"] = Interlocked.Read(ref _acknowledged), ["errors"] = _errors.Count,
            ["achieved_per_s"] = Math.Round(Interlocked.Read(ref _acknowledged) / seconds, 1), ["late_dispatches"] = Interlocked.Read(ref _late),
            ["error_sample"] = _errors.Count > 0 ? _errors.Describe() : null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
