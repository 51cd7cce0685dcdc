using Grpc.Core;
using Xunit.Abstractions;
using MlOps.Orleans.Tests.Infrastructure;
using Api = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>The streaming ingest protocol across a dropped connection, against a real platform process.</summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Process)]
public sealed class IngestReconnectTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Batches = 20;
    private const int PointsPerBatch = 500;
    private const ulong AcknowledgedBeforeDrop = 10;
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public Task Reconnected_writer_resending_acknowledged_batches_gets_acks_and_each_point_is_stored_once() => _scope.RunAsync(async () =>
    {
        var process = await _scope.StartEmbeddedAsync("embedded", _scope.CreateDirectory("data"), PlatformPorts.Allocate());
        using var channel = process.CreateChannel();
        var client = new Api.TrackingService.TrackingServiceClient(channel);
        var runId = await TrackingCalls.CreateRunAsync(client, await TrackingCalls.CreateExperimentAsync(client, "ingest"), "reconnect");
        var writer = Guid.NewGuid().ToString("N");
        var requests = Enumerable.Range(1, Batches).Select(b => Batch(runId, writer, b)).ToList();

        // First connection: every batch sent, dropped as soon as batch k is durable; later batches may or may not be stored.
        ulong durableBeforeDrop = 0;
        using (var drop = new CancellationTokenSource())
        {
            using var call = client.IngestMetrics(deadline: TrackingCalls.Deadline, cancellationToken: drop.Token);
            var sending = SendAsync(call.RequestStream, requests, complete: false);
            while (durableBeforeDrop < AcknowledgedBeforeDrop && await call.ResponseStream.MoveNext(drop.Token))
                durableBeforeDrop = Math.Max(durableBeforeDrop, call.ResponseStream.Current.DurableSequence);
            await drop.CancelAsync();
            await sending;
        }
        Assert.True(durableBeforeDrop >= AcknowledgedBeforeDrop, $"the first stream ended at durable sequence {durableBeforeDrop}");
        _scope.Log($"dropped the first stream at durable sequence {durableBeforeDrop}");

        // Second connection, same writer: resend from k-2, so three batches were already acknowledged.
        var resent = requests.Where(r => r.BatchSequence >= AcknowledgedBeforeDrop - 2).ToList();
        using var second = client.IngestMetrics(deadline: TrackingCalls.Deadline);
        var resending = SendAsync(second.RequestStream, resent, complete: true);
        var acks = new List<ulong>();
        await foreach (var ack in second.ResponseStream.ReadAllAsync()) acks.Add(ack.DurableSequence);
        await resending;

        _scope.Log($"second stream acks: {string.Join(",", acks)}");
        Assert.Equal(resent.Count, acks.Count);
        Assert.All(acks.Take(3), a => Assert.True(a >= AcknowledgedBeforeDrop, $"an already durable batch was acknowledged with {a}"));
        Assert.All(resent.Zip(acks), p => Assert.True(p.Second >= p.First.BatchSequence,
            $"batch {p.First.BatchSequence} was acknowledged with durable sequence {p.Second}"));
        Assert.True(acks.Zip(acks.Skip(1)).All(p => p.First <= p.Second), $"acks went backwards: {string.Join(",", acks)}");
        Assert.Equal((ulong)Batches, acks[^1]);
        var stored = (await TrackingCalls.ReadHistoryAsync(client, runId, "loss")).Select(PointKey.Of).ToList();
        var sent = requests.SelectMany(r => r.Metrics).Select(PointKey.Of).ToHashSet();
        Assert.Equal(Batches * PointsPerBatch, stored.Count);
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.True(sent.SetEquals(stored), $"stored points differ from the sent ones: {sent.Except(stored).Count()} missing, {stored.Except(sent).Count()} unexpected");
    });

    private static Api.IngestMetricsRequest Batch(string runId, string writer, int sequence)
    {
        var request = new Api.IngestMetricsRequest { RunId = runId, WriterId = writer, BatchSequence = (ulong)sequence };
        for (var i = 0; i < PointsPerBatch; i++)
            request.Metrics.Add(TrackingCalls.Point("loss", (long)sequence * PointsPerBatch + i, 1.0 / (sequence * PointsPerBatch + i + 1)));
        return request;
    }

    /// <summary>Writes on its own task so acknowledgements are read meanwhile; a dropped call ends it quietly.</summary>
    private static Task SendAsync(IClientStreamWriter<Api.IngestMetricsRequest> stream, List<Api.IngestMetricsRequest> requests, bool complete) =>
        Task.Run(async () =>
        {
            try
            {
                foreach (var r in requests) await stream.WriteAsync(r);
                if (complete) await stream.CompleteAsync();
            }
            catch (Exception e) when (!complete && e is RpcException or InvalidOperationException or OperationCanceledException or IOException)
            {
                // The first connection is dropped on purpose while batches are still being written.
            }
        });
}
