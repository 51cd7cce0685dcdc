using Grpc.Core;
using Api = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>
/// Writes to one run through every write path and records what the server acknowledged, so a test can kill the process
/// and demand each acknowledged write back after a restart.
/// </summary>
public sealed class DurabilityWorkload(Api.TrackingService.TrackingServiceClient client, string runId)
{
    public const string SingleKey = "single";
    public const string BatchKey = "batch";
    public const string StreamKey = "stream";

    public HashSet<PointKey> Sent { get; } = [];

    public HashSet<PointKey> Acknowledged { get; } = [];

    public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public ulong StreamDurableSequence { get; private set; }

    public static IReadOnlyList<string> Keys => [SingleKey, BatchKey, StreamKey];

    public async Task LogParamsAndTagsAsync()
    {
        var request = new Api.LogParamsRequest { RunId = runId };
        for (var i = 0; i < 5; i++) request.Params.Add(new Api.Param { Key = $"param{i}", Value = $"value {i}" });
        await client.LogParamsAsync(request, deadline: TrackingCalls.Deadline);
        foreach (var p in request.Params) Params[p.Key] = p.Value;

        await client.SetRunTagAsync(new Api.SetRunTagRequest { RunId = runId, Key = "stage", Value = "durability" }, deadline: TrackingCalls.Deadline);
        Tags["stage"] = "durability";
    }

    /// <summary>One LogMetric call per point, NaN and infinities included: each reply is an acknowledgement.</summary>
    public async Task LogSingleMetricsAsync(int count)
    {
        for (var step = 0; step < count; step++)
        {
            var value = (step % 50) switch
            {
                7 => double.NaN,
                17 => double.PositiveInfinity,
                27 => double.NegativeInfinity,
                _ => step * 0.25,
            };
            var point = TrackingCalls.Point(SingleKey, step, value);
            Sent.Add(PointKey.Of(point));
            await client.LogMetricAsync(new Api.LogMetricRequest { RunId = runId, Metric = point }, deadline: TrackingCalls.Deadline);
            Acknowledged.Add(PointKey.Of(point));
        }
    }

    /// <summary>LogBatch calls carrying metrics, two new params and a tag each.</summary>
    public async Task LogBatchesAsync(int batches, int pointsPerBatch)
    {
        for (var b = 0; b < batches; b++)
        {
            var request = new Api.LogBatchRequest { RunId = runId };
            for (var i = 0; i < pointsPerBatch; i++) request.Metrics.Add(TrackingCalls.Point(BatchKey, (long)b * pointsPerBatch + i, b + i / 1000.0));
            request.Params.Add(new Api.Param { Key = $"batch{b}.lr", Value = $"0.{b}" });
            request.Params.Add(new Api.Param { Key = $"batch{b}.depth", Value = $"{b}" });
            request.Tags.Add(new Api.Tag { Key = $"batch{b}", Value = "logged" });
            foreach (var m in request.Metrics) Sent.Add(PointKey.Of(m));
            await client.LogBatchAsync(request, deadline: TrackingCalls.Deadline);
            foreach (var m in request.Metrics) Acknowledged.Add(PointKey.Of(m));
            foreach (var p in request.Params) Params[p.Key] = p.Value;
            foreach (var t in request.Tags) Tags[t.Key] = t.Value;
        }
    }

    /// <summary>
    /// Streams <paramref name="batches"/> batches without waiting for acknowledgements and calls <paramref name="kill"/> the
    /// moment the durable sequence reaches <paramref name="killAtAck"/>, while later batches are still in flight.
    /// </summary>
    public async Task IngestAndKillAsync(int batches, int pointsPerBatch, ulong killAtAck, Action kill)
    {
        var writer = Guid.NewGuid().ToString("N");
        var requests = new List<Api.IngestMetricsRequest>();
        for (var b = 1; b <= batches; b++)
        {
            var request = new Api.IngestMetricsRequest { RunId = runId, WriterId = writer, BatchSequence = (ulong)b };
            for (var i = 0; i < pointsPerBatch; i++) request.Metrics.Add(TrackingCalls.Point(StreamKey, (long)b * pointsPerBatch + i, -b - i / 1000.0));
            foreach (var m in request.Metrics) Sent.Add(PointKey.Of(m));
            requests.Add(request);
        }

        using var call = client.IngestMetrics(deadline: DateTime.UtcNow.AddMinutes(1));
        var sending = Task.Run(async () =>
        {
            try
            {
                foreach (var r in requests) await call.RequestStream.WriteAsync(r);
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or OperationCanceledException)
            {
                // The process was killed under the writer: expected.
            }
        });

        ulong durable = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            durable = Math.Max(durable, call.ResponseStream.Current.DurableSequence);
            if (durable < killAtAck) continue;
            kill();
            break;
        }
        if (durable < killAtAck) throw new InvalidOperationException($"the ingest stream ended at durable sequence {durable}, before {killAtAck}");
        StreamDurableSequence = durable;
        foreach (var r in requests.Where(r => r.BatchSequence <= durable))
            foreach (var m in r.Metrics) Acknowledged.Add(PointKey.Of(m));
        await sending;
    }

    /// <summary>Empty when every acknowledged write is back, nothing is stored twice and nothing unsent appeared; else what is wrong.</summary>
    public async Task<List<string>> FindProblemsAsync(Api.TrackingService.TrackingServiceClient restarted)
    {
        var problems = new List<string>();
        var run = await restarted.GetRunAsync(new Api.GetRunRequest { RunId = runId }, deadline: TrackingCalls.Deadline);
        var storedParams = run.Params.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var storedTags = run.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        foreach (var (k, v) in Params.Where(p => storedParams.GetValueOrDefault(p.Key) != p.Value))
            problems.Add($"param {k}='{v}' is {(storedParams.TryGetValue(k, out var s) ? $"'{s}'" : "missing")}");
        foreach (var (k, v) in Tags.Where(t => storedTags.GetValueOrDefault(t.Key) != t.Value))
            problems.Add($"tag {k}='{v}' is {(storedTags.TryGetValue(k, out var s) ? $"'{s}'" : "missing")}");

        var stored = new List<PointKey>();
        foreach (var key in Keys) stored.AddRange((await TrackingCalls.ReadHistoryAsync(restarted, runId, key)).Select(PointKey.Of));
        var storedSet = stored.ToHashSet();
        var duplicates = stored.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var missing = Acknowledged.Where(p => !storedSet.Contains(p)).ToList();
        var unsent = storedSet.Where(p => !Sent.Contains(p)).ToList();
        if (missing.Count > 0)
            problems.Add($"{missing.Count} of {Acknowledged.Count} acknowledged points are missing, e.g. {string.Join(", ", missing.Take(10))}");
        if (duplicates.Count > 0) problems.Add($"{duplicates.Count} points are stored more than once, e.g. {string.Join(", ", duplicates.Take(10))}");
        if (unsent.Count > 0) problems.Add($"{unsent.Count} stored points were never sent, e.g. {string.Join(", ", unsent.Take(10))}");
        return problems;
    }
}
