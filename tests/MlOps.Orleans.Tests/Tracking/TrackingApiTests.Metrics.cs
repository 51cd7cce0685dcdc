using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Tracking;

public abstract partial class TrackingApiTests
{
    private async Task<List<Wire.Metric>> History(string runId, string key, int pageSize = 0)
    {
        var all = new List<Wire.Metric>();
        var token = "";
        do
        {
            var page = await Api.GetMetricHistoryAsync(new Wire.GetMetricHistoryRequest { RunId = runId, MetricKey = key, PageSize = pageSize, PageToken = token });
            all.AddRange(page.Metrics);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    [Fact]
    public async Task Metric_values_nan_and_infinities_round_trip()
    {
        var id = (await NewRun()).Info.RunId;
        var batch = new Wire.LogBatchRequest { RunId = id };
        batch.Metrics.Add(new Wire.Metric { Key = "m", Value = double.NaN, Timestamp = 1, Step = 0 });
        batch.Metrics.Add(new Wire.Metric { Key = "m", Value = double.PositiveInfinity, Timestamp = 1, Step = 1 });
        batch.Metrics.Add(new Wire.Metric { Key = "m", Value = double.NegativeInfinity, Timestamp = 1, Step = 2 });
        await Api.LogBatchAsync(batch);
        var values = (await History(id, "m")).Select(m => m.Value).ToList();
        Assert.True(double.IsNaN(values[0]));
        Assert.Equal(double.PositiveInfinity, values[1]);
        Assert.Equal(double.NegativeInfinity, values[2]);
    }

    [Fact]
    public async Task Identical_point_logged_twice_is_stored_once()
    {
        var id = (await NewRun()).Info.RunId;
        var point = new Wire.Metric { Key = "loss", Value = 0.5, Timestamp = 10, Step = 3 };
        var first = await Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = point });
        await Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = point });
        await Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = new Wire.Metric { Key = "loss", Value = double.NaN, Timestamp = 10, Step = 3 } });
        await Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = new Wire.Metric { Key = "loss", Value = double.NaN, Timestamp = 10, Step = 3 } });
        Assert.Equal(1, first.Sequence);
        Assert.Equal(2, (await History(id, "loss")).Count);
    }

    [Fact]
    public async Task Latest_metric_is_the_highest_step_then_timestamp_then_value()
    {
        var id = (await NewRun()).Info.RunId;
        var batch = new Wire.LogBatchRequest { RunId = id };
        batch.Metrics.Add(new Wire.Metric { Key = "acc", Value = 0.9, Timestamp = 500, Step = 1 });
        batch.Metrics.Add(new Wire.Metric { Key = "acc", Value = 0.7, Timestamp = 100, Step = 5 });
        batch.Metrics.Add(new Wire.Metric { Key = "acc", Value = 0.6, Timestamp = 100, Step = 5 });
        batch.Metrics.Add(new Wire.Metric { Key = "acc", Value = 0.1, Timestamp = 50, Step = 5 });
        await Api.LogBatchAsync(batch);
        await Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = new Wire.Metric { Key = "acc", Value = 0.95, Timestamp = 900, Step = 2 } });
        var latest = Assert.Single((await Api.GetRunAsync(new Wire.GetRunRequest { RunId = id })).Metrics);
        Assert.Equal(0.7, latest.Value);
        Assert.Equal(5, latest.Step);
    }

    [Fact]
    public async Task Metric_with_a_bad_key_is_refused_and_a_missing_metric_too()
    {
        var id = (await NewRun()).Info.RunId;
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = new Wire.Metric { Key = "a\\b", Value = 1 } }).ResponseAsync, "metric.key");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id }).ResponseAsync, "metric");
    }

    [Fact]
    public async Task History_pages_in_step_order_and_honours_a_step_range()
    {
        var id = (await NewRun()).Info.RunId;
        var batch = new Wire.LogBatchRequest { RunId = id };
        for (var step = 99; step >= 0; step--) batch.Metrics.Add(new Wire.Metric { Key = "x", Value = step, Timestamp = 1000 + step, Step = step });
        await Api.LogBatchAsync(batch);
        var all = await History(id, "x", pageSize: 7);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), all.Select(m => m.Step));
        var range = await Api.GetMetricHistoryAsync(new Wire.GetMetricHistoryRequest { RunId = id, MetricKey = "x", StartStep = 10, EndStep = 19 });
        Assert.Equal(10, range.Metrics.Count);
        Assert.Equal(10, range.Metrics[0].Step);
    }

    [Fact]
    public async Task History_downsample_keeps_spikes_first_and_last_within_the_limit()
    {
        var id = (await NewRun()).Info.RunId;
        for (var chunk = 0; chunk < 5; chunk++)
        {
            var batch = new Wire.LogBatchRequest { RunId = id };
            for (var i = 0; i < 1000; i++)
            {
                var step = (chunk * 1000) + i;
                batch.Metrics.Add(new Wire.Metric { Key = "loss", Value = step == 2345 ? 1e6 : step == 3456 ? -1e6 : 1.0, Timestamp = 1, Step = step });
            }
            await Api.LogBatchAsync(batch);
        }
        var sampled = await Api.GetMetricHistoryAsync(new Wire.GetMetricHistoryRequest { RunId = id, MetricKey = "loss", MaxPoints = 100 });
        Assert.True(sampled.Metrics.Count <= 100, $"{sampled.Metrics.Count} points");
        Assert.Contains(sampled.Metrics, m => m.Value == 1e6 && m.Step == 2345);
        Assert.Contains(sampled.Metrics, m => m.Value == -1e6);
        Assert.Equal(0, sampled.Metrics[0].Step);
        Assert.Equal(4999, sampled.Metrics[^1].Step);
    }

    [Fact]
    public async Task History_rejects_bad_ranges_tokens_and_limits()
    {
        var id = (await NewRun()).Info.RunId;
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.GetMetricHistoryAsync(new Wire.GetMetricHistoryRequest { RunId = id, MetricKey = "m", StartStep = 5, EndStep = 1 }).ResponseAsync, "start_step");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.GetMetricHistoryAsync(new Wire.GetMetricHistoryRequest { RunId = id, MetricKey = "m", PageToken = "garbage!" }).ResponseAsync, "page_token");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.GetMetricHistoryAsync(new Wire.GetMetricHistoryRequest { RunId = id, MetricKey = "m", MaxPoints = 2 }).ResponseAsync, "max_points");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.GetMetricHistoryAsync(new Wire.GetMetricHistoryRequest { RunId = id, MetricKey = "m", PageSize = 100001 }).ResponseAsync, "page_size");
    }

    [Fact]
    public async Task Ingest_stream_acknowledges_each_batch_and_a_resent_batch_is_not_stored_twice()
    {
        var id = (await NewRun()).Info.RunId;
        var writer = Guid.NewGuid().ToString("N");
        Wire.IngestMetricsRequest Batch(ulong seq)
        {
            var r = new Wire.IngestMetricsRequest { RunId = id, WriterId = writer, BatchSequence = seq };
            for (var i = 0; i < 100; i++) r.Metrics.Add(new Wire.Metric { Key = "s", Value = (double)seq * 1000 + i, Timestamp = 1, Step = ((long)seq * 1000) + i });
            return r;
        }
        using (var call = Api.IngestMetrics())
        {
            for (ulong s = 1; s <= 3; s++)
            {
                await call.RequestStream.WriteAsync(Batch(s));
                Assert.True(await call.ResponseStream.MoveNext());
                Assert.Equal(s, call.ResponseStream.Current.DurableSequence);
            }
            await call.RequestStream.CompleteAsync();
        }
        // A reconnecting client re-sends what it is unsure of; the ack is the writer's highest durable batch.
        using (var call = Api.IngestMetrics())
        {
            for (ulong s = 2; s <= 4; s++)
            {
                await call.RequestStream.WriteAsync(Batch(s));
                Assert.True(await call.ResponseStream.MoveNext());
                Assert.Equal(Math.Max(s, 3), call.ResponseStream.Current.DurableSequence);
            }
            await call.RequestStream.CompleteAsync();
        }
        Assert.Equal(400, (await History(id, "s")).Count);
    }

    [Fact]
    public async Task Ingest_stream_refuses_an_oversized_message_naming_the_limit()
    {
        var id = (await NewRun()).Info.RunId;
        using var call = Api.IngestMetrics();
        var r = new Wire.IngestMetricsRequest { RunId = id, WriterId = "w", BatchSequence = 1 };
        for (var i = 0; i < 1001; i++) r.Metrics.Add(new Wire.Metric { Key = "s", Value = i, Timestamp = 1, Step = i });
        await call.RequestStream.WriteAsync(r);
        await Rpc.Refuses(StatusCode.InvalidArgument, () => call.ResponseStream.MoveNext(), "1000");
    }
}
