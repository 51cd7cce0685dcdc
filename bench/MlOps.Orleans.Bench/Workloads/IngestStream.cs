using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>One IngestMetrics stream: a sender bounded by a window of unacknowledged messages, and a reader of acks.</summary>
internal static class IngestStream
{
    public sealed record Settings(int Streams, int Window, int Batch);

    public sealed record Outcome(long Values, List<double> AckLatencies);

    public static async Task<Outcome> RunAsync(TrackingService.TrackingServiceClient client, string runId, Settings settings, long deadline,
        Random random, ErrorLog errors, CancellationToken ct)
    {
        using var call = client.IngestMetrics(cancellationToken: ct);
        var writer = Guid.NewGuid().ToString("N");
        using var slots = new SemaphoreSlim(settings.Window, settings.Window);
        var inFlight = new ConcurrentQueue<(ulong Sequence, long SentAt)>();
        var latencies = new List<double>();
        ulong acked = 0, sent = 0;
        var steps = settings.Batch / Payloads.KeysPerBatch;

        var reader = Task.Run(async () =>
        {
            await foreach (var ack in call.ResponseStream.ReadAllAsync(ct))
            {
                if (ack.DurableSequence <= acked) continue;
                var now = Stopwatch.GetTimestamp();
                while (inFlight.TryPeek(out var head) && head.Sequence <= ack.DurableSequence && inFlight.TryDequeue(out head))
                    latencies.Add(Stopwatch.GetElapsedTime(head.SentAt, now).TotalMilliseconds);
                var released = (int)(ack.DurableSequence - acked);
                acked = ack.DurableSequence;
                slots.Release(released);
            }
        }, ct);

        try
        {
            while (await AcquireAsync(slots, reader, deadline, ct))
            {
                var message = new IngestMetricsRequest { RunId = runId, WriterId = writer, BatchSequence = sent + 1 };
                message.Metrics.AddRange(Payloads.Points((long)sent * steps, settings.Batch, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), random));
                inFlight.Enqueue((sent + 1, Stopwatch.GetTimestamp()));
                await call.RequestStream.WriteAsync(message, ct);
                sent++;
            }
            await call.RequestStream.CompleteAsync();
            await reader;
            if (acked != sent) errors.Add(new InvalidOperationException($"stream for run {runId} ended with {acked} of {sent} messages acknowledged"));
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            errors.Add(e);
            try { await reader; } catch (Exception inner) when (inner is RpcException or OperationCanceledException) { }
        }
        return new Outcome((long)acked * settings.Batch, latencies);
    }

    /// <summary>A free slot in the window; false at the deadline or when the server closed the stream (it acks nothing more).</summary>
    private static async Task<bool> AcquireAsync(SemaphoreSlim slots, Task reader, long deadline, CancellationToken ct)
    {
        while (true)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero || reader.IsCompleted) return false;
            if (await slots.WaitAsync(remaining < PollInterval ? remaining : PollInterval, ct)) return true;
        }
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
}
