using Grpc.Core;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Gateway.Common;
using MlOps.Orleans.Contracts.Tracking;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Gateway.Tracking;

/// <summary>
/// Live metric subscriptions. Subscribe to the run's stream first, then replay stored points after the cursor, then
/// forward live points; the run's sequence numbers remove overlap, and any gap (a dropped or lost notification) is
/// filled from the catalog, so a subscriber never misses a stored point. A run publishes only while a subscriber holds a
/// watch lease on it: the lease is taken after subscribing and before the replay, and renewed while the call lasts; each
/// renewal reports the run's last sequence into the live queue, so points stored while no lease was held (the run was
/// reactivated elsewhere) are read from the catalog within one renewal period.
/// </summary>
internal sealed class MetricSubscriptions(IClusterClient client)
{
    private const int ReplayPage = 5000;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);

    public async Task StreamAsync(Wire.SubscribeRunMetricsRequest request, IServerStreamWriter<Wire.MetricEvent> writer, CancellationToken ct)
    {
        var run = client.GetGrain<IRunGrain>(request.RunId);
        await run.Get(); // NOT_FOUND before anything is subscribed
        var filter = new PointFilter(request);
        await using var live = await LiveStream<MetricBatchEvent>.OpenAsync(client, StreamNames.RunMetrics, request.RunId);
        var watcher = Guid.NewGuid();
        await run.Watch(watcher, Lease);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewals = RenewAsync(run, watcher, live, stop.Token);
        try
        {
            await ForwardAsync(run, request, filter, live, writer, ct);
        }
        finally
        {
            await stop.CancelAsync();
            await renewals;
            // Not awaited, and best effort: a closing call never waits on a silo, and a lease not ended here ends by itself.
            _ = run.Unwatch(watcher).ContinueWith(t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task RenewAsync(IRunGrain run, Guid watcher, LiveStream<MetricBatchEvent> live, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    live.Offer(new MetricBatchEvent(run.GetPrimaryKeyString(), [], await run.Watch(watcher, Lease)));
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // A failed renewal (silo restarting) is retried at the next tick, well inside the lease.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static async Task ForwardAsync(IRunGrain run, Wire.SubscribeRunMetricsRequest request, PointFilter filter,
        LiveStream<MetricBatchEvent> live, IServerStreamWriter<Wire.MetricEvent> writer, CancellationToken ct)
    {
        var cursor = await ReplayAsync(run, request.AfterSequence, long.MaxValue, filter, writer, ct);
        await foreach (var batch in live.Reader.ReadAllAsync(ct))
        {
            // A range-only announcement: read the points from the catalog.
            if (batch.Points.Count == 0 && batch.LastSequence > cursor) cursor = await ReplayAsync(run, cursor, batch.LastSequence, filter, writer, ct);
            foreach (var point in batch.Points)
            {
                if (point.Sequence <= cursor) continue;
                if (point.Sequence > cursor + 1) cursor = await ReplayAsync(run, cursor, point.Sequence - 1, filter, writer, ct);
                if (filter.Accepts(point.Point)) await writer.WriteAsync(ToEvent(request.RunId, point), ct);
                cursor = point.Sequence;
            }
        }
    }

    public async Task StreamStatusAsync(string experimentId, IServerStreamWriter<Wire.RunStatusEvent> writer, CancellationToken ct)
    {
        await client.GetGrain<IExperimentGrain>(experimentId).Get();
        await using var live = await LiveStream<RunStatusChanged>.OpenAsync(client, StreamNames.RunStatus, experimentId);
        await foreach (var e in live.Reader.ReadAllAsync(ct))
        {
            await writer.WriteAsync(new Wire.RunStatusEvent
            {
                RunId = e.RunId, ExperimentId = e.ExperimentId, Status = (Wire.RunStatus)(int)e.Status,
                LifecycleStage = TrackingMapper.ToProto(e.LifecycleStage), Timestamp = e.Timestamp,
            }, ct);
        }
    }

    /// <summary>Writes stored points in (after, upTo]; returns the new cursor (the last sequence read, or the end of the range when gaps remain).</summary>
    private static async Task<long> ReplayAsync(IRunGrain run, long after, long upTo, PointFilter filter, IServerStreamWriter<Wire.MetricEvent> writer, CancellationToken ct)
    {
        var cursor = after;
        while (true)
        {
            var page = await run.ReadSince(cursor, ReplayPage);
            foreach (var point in page)
            {
                if (point.Sequence > upTo) return cursor;
                if (filter.Accepts(point.Point)) await writer.WriteAsync(ToEvent(run.GetPrimaryKeyString(), point), ct);
                cursor = point.Sequence;
            }
            // Sequence numbers of retried duplicates are never stored, so a range can end in a gap.
            if (page.Count < ReplayPage) return upTo == long.MaxValue ? cursor : Math.Max(cursor, upTo);
        }
    }

    private static Wire.MetricEvent ToEvent(string runId, SequencedMetric point) =>
        new() { RunId = runId, Sequence = point.Sequence, Metric = TrackingMapper.ToProto(point.Point) };

    private sealed class PointFilter(Wire.SubscribeRunMetricsRequest request)
    {
        private readonly HashSet<string>? _keys = request.Keys.Count == 0 ? null : request.Keys.ToHashSet(StringComparer.Ordinal);

        public bool Accepts(MetricPoint p) =>
            (_keys is null || _keys.Contains(p.Key)) &&
            (!request.HasMinStep || p.Step >= request.MinStep) && (!request.HasMaxStep || p.Step <= request.MaxStep) &&
            (!request.HasMinTimestamp || p.Timestamp >= request.MinTimestamp) && (!request.HasMaxTimestamp || p.Timestamp <= request.MaxTimestamp);
    }
}
