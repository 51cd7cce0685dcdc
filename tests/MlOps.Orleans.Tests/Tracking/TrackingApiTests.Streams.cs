using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Tracking;

public abstract partial class TrackingApiTests
{
    private static async Task<List<Wire.MetricEvent>> Collect(AsyncServerStreamingCall<Wire.MetricEvent> call, int count, int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var events = new List<Wire.MetricEvent>();
        while (events.Count < count && await call.ResponseStream.MoveNext(timeout.Token)) events.Add(call.ResponseStream.Current);
        return events;
    }

    private async Task LogSteps(string runId, int from, int to)
    {
        var batch = new Wire.LogBatchRequest { RunId = runId };
        for (var s = from; s < to; s++) batch.Metrics.Add(new Wire.Metric { Key = "loss", Value = s, Timestamp = 1, Step = s });
        await Api.LogBatchAsync(batch);
    }

    [Fact]
    public async Task Subscriber_gets_stored_points_then_live_ones_in_sequence_without_gaps()
    {
        var id = (await NewRun()).Info.RunId;
        await LogSteps(id, 0, 5);
        using var call = Api.SubscribeRunMetrics(new Wire.SubscribeRunMetricsRequest { RunId = id });
        var replayed = await Collect(call, 5);
        await LogSteps(id, 5, 10);
        var live = await Collect(call, 5);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), replayed.Concat(live).Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), replayed.Concat(live).Select(e => e.Metric.Step));
    }

    [Fact]
    public async Task Subscriber_resumes_after_its_cursor_and_filters_never_move_it()
    {
        var id = (await NewRun()).Info.RunId;
        await LogSteps(id, 0, 10);
        using var call = Api.SubscribeRunMetrics(new Wire.SubscribeRunMetricsRequest { RunId = id, AfterSequence = 6, MinStep = 8 });
        var events = await Collect(call, 2);
        Assert.Equal([9L, 10L], events.Select(e => e.Sequence));
        await LogSteps(id, 10, 12);
        Assert.Equal([11L, 12L], (await Collect(call, 2)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Subscriber_gets_every_point_of_a_large_batch_announced_by_range()
    {
        var id = (await NewRun()).Info.RunId;
        using var call = Api.SubscribeRunMetrics(new Wire.SubscribeRunMetricsRequest { RunId = id });
        await LogSteps(id, 0, 1);
        Assert.Single(await Collect(call, 1));
        await LogSteps(id, 1, 1000);
        var events = await Collect(call, 999);
        Assert.Equal(Enumerable.Range(2, 999).Select(i => (long)i), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Many_subscribers_each_see_every_point()
    {
        var id = (await NewRun()).Info.RunId;
        var calls = Enumerable.Range(0, 5).Select(_ => Api.SubscribeRunMetrics(new Wire.SubscribeRunMetricsRequest { RunId = id })).ToList();
        try
        {
            await LogSteps(id, 0, 50);
            foreach (var call in calls) Assert.Equal(50, (await Collect(call, 50)).Count);
        }
        finally
        {
            foreach (var c in calls) c.Dispose();
        }
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_run_is_not_found() =>
        await Rpc.Refuses(StatusCode.NotFound, async () =>
        {
            using var call = Api.SubscribeRunMetrics(new Wire.SubscribeRunMetricsRequest { RunId = Guid.NewGuid().ToString("N") });
            await call.ResponseStream.MoveNext();
        });

    [Fact]
    public async Task Experiment_subscriber_sees_run_status_changes()
    {
        var e = await NewExperiment();
        using var call = Api.SubscribeRunStatus(new Wire.SubscribeRunStatusRequest { ExperimentId = e.ExperimentId });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // The subscription is live once the server has subscribed; create runs until the first event arrives.
        var first = call.ResponseStream.MoveNext(timeout.Token);
        string? runId = null;
        while (!first.IsCompleted)
        {
            runId = (await NewRun(e.ExperimentId)).Info.RunId;
            await Task.WhenAny(first, Task.Delay(200, timeout.Token));
        }
        Assert.True(await first);
        await Api.UpdateRunAsync(new Wire.UpdateRunRequest { RunId = runId, Status = Wire.RunStatus.Finished });
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            var evt = call.ResponseStream.Current;
            if (evt.RunId == runId && evt.Status == Wire.RunStatus.Finished) return;
        }
        Assert.Fail("no FINISHED event");
    }
}
