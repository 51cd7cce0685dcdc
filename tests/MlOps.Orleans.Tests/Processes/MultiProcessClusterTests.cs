using Grpc.Core;
using Xunit.Abstractions;
using MlOps.Orleans.Tests.Infrastructure;
using Api = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>Live metric subscriptions on a standalone gateway process for runs whose grains live on two other silo processes;
/// online reads of that gateway against a silo's own (<c>MultiProcessClusterTests.Online.cs</c>).</summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Slow)]
public sealed partial class MultiProcessClusterTests(TwoSiloCluster cluster, ITestOutputHelper output) : IClassFixture<TwoSiloCluster>, IDisposable
{
    /// <summary>The cluster's timeline so far (its start, then each test's placements) in the test's output.</summary>
    public void Dispose() => output.WriteLine(cluster.Scope.Timeline);

    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public Task Subscriber_on_gateway_sees_points_for_runs_on_both_silos() => cluster.Scope.RunAsync(async () =>
    {
        var client = cluster.Client;
        var (runA, runB) = await cluster.CreateRunOnEachSiloAsync(await TrackingCalls.CreateExperimentAsync(client, "live"));
        var runs = new[] { runA, runB };
        var expected = runs.ToDictionary(r => r, _ => new List<(long Sequence, PointKey Point)>());
        var subscriptions = new Dictionary<string, AsyncServerStreamingCall<Api.MetricEvent>>();
        try
        {
            // One stored point first: once it arrives the subscription is live (it subscribes before it replays),
            // so everything after it proves live delivery, not replay.
            foreach (var run in runs)
            {
                expected[run].Add(await LogMetricAsync(client, run, TrackingCalls.Point("loss", 0, 1.0)));
                subscriptions[run] = client.SubscribeRunMetrics(new Api.SubscribeRunMetricsRequest { RunId = run, AfterSequence = 0 });
                var first = await TrackingCalls.ReadEventsAsync(subscriptions[run].ResponseStream, 1, EventTimeout, () => $"run {run}");
                AssertEvents(run, expected[run], first);
            }

            // Interleaved through the gateway: single points, then a batch, to both runs.
            for (var step = 1; step <= 50; step++)
                foreach (var run in runs)
                    expected[run].Add(await LogMetricAsync(client, run, TrackingCalls.Point("loss", step, 1.0 / step)));
            foreach (var run in runs)
            {
                var batch = new Api.LogBatchRequest { RunId = run };
                for (var step = 51; step <= 250; step++) batch.Metrics.Add(TrackingCalls.Point("loss", step, 1.0 / step));
                var last = (await client.LogBatchAsync(batch, deadline: TrackingCalls.Deadline)).LastSequence;
                expected[run].AddRange(batch.Metrics.Select((m, i) => (last - batch.Metrics.Count + 1 + i, PointKey.Of(m))));
            }

            foreach (var run in runs)
            {
                var live = await TrackingCalls.ReadEventsAsync(subscriptions[run].ResponseStream, expected[run].Count - 1, EventTimeout,
                    () => $"run {run}");
                AssertEvents(run, expected[run].Skip(1).ToList(), live);
                Assert.Equal(Enumerable.Range(1, expected[run].Count).Select(i => (long)i), expected[run].Select(e => e.Sequence));
            }
            cluster.AssertStillOn(cluster.SiloA, runA, await cluster.SiloOfAsync(runA));
            cluster.AssertStillOn(cluster.SiloB, runB, await cluster.SiloOfAsync(runB));
        }
        finally
        {
            foreach (var s in subscriptions.Values) s.Dispose();
        }
    });

    [SkippableFact]
    public Task Subscriber_on_gateway_resuming_mid_run_gets_the_replay_then_live_points_on_both_silos() => cluster.Scope.RunAsync(async () =>
    {
        var client = cluster.Client;
        var (runA, runB) = await cluster.CreateRunOnEachSiloAsync(await TrackingCalls.CreateExperimentAsync(client, "resume"));
        foreach (var run in new[] { runA, runB })
        {
            var stored = new Api.LogBatchRequest { RunId = run };
            for (var step = 1; step <= 100; step++) stored.Metrics.Add(TrackingCalls.Point("acc", step, step / 100.0));
            Assert.Equal(100, (await client.LogBatchAsync(stored, deadline: TrackingCalls.Deadline)).LastSequence);

            using var subscription = client.SubscribeRunMetrics(new Api.SubscribeRunMetricsRequest { RunId = run, AfterSequence = 50 });
            var replayed = await TrackingCalls.ReadEventsAsync(subscription.ResponseStream, 50, EventTimeout, () => $"run {run}");
            AssertEvents(run, stored.Metrics.Skip(50).Select((m, i) => (51L + i, PointKey.Of(m))).ToList(), replayed);

            var live = new List<(long Sequence, PointKey Point)>();
            for (var step = 101; step <= 150; step++) live.Add(await LogMetricAsync(client, run, TrackingCalls.Point("acc", step, step / 100.0)));
            var received = await TrackingCalls.ReadEventsAsync(subscription.ResponseStream, 50, EventTimeout, () => $"run {run}");
            AssertEvents(run, live, received);
            Assert.Equal(Enumerable.Range(101, 50).Select(i => (long)i), live.Select(e => e.Sequence));
        }
    });

    private static async Task<(long Sequence, PointKey Point)> LogMetricAsync(Api.TrackingService.TrackingServiceClient client, string runId, Api.Metric point)
    {
        var reply = await client.LogMetricAsync(new Api.LogMetricRequest { RunId = runId, Metric = point }, deadline: TrackingCalls.Deadline);
        return (reply.Sequence, PointKey.Of(point));
    }

    /// <summary>The events are exactly the expected points, in sequence order, with no gap and no repeat.</summary>
    private static void AssertEvents(string runId, List<(long Sequence, PointKey Point)> expected, List<Api.MetricEvent> events)
    {
        var got = events.Select(e => (e.Sequence, PointKey.Of(e.Metric))).ToList();
        Assert.True(events.All(e => e.RunId == runId), $"events for another run arrived on the subscription to {runId}");
        Assert.True(expected.SequenceEqual(got),
            $"run {runId}: expected sequences {Describe(expected)}, got {Describe(got)}; first difference at index " +
            $"{expected.Zip(got).TakeWhile(p => p.First == p.Second).Count()}");
    }

    private static string Describe(List<(long Sequence, PointKey Point)> events) =>
        events.Count == 0 ? "none" : $"{events[0].Sequence}..{events[^1].Sequence} ({events.Count} events)";
}
