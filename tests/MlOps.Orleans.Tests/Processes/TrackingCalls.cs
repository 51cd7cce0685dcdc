using Grpc.Core;
using Api = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>A metric point as a value: NaN compares equal to NaN so a stored NaN counts as found.</summary>
public readonly record struct PointKey(string Key, long Step, long Timestamp, long ValueBits)
{
    public static PointKey Of(Api.Metric m) =>
        new(m.Key, m.Step, m.Timestamp, double.IsNaN(m.Value) ? long.MinValue : BitConverter.DoubleToInt64Bits(m.Value));

    public override string ToString() =>
        $"{Key}@{Step}/{Timestamp}={(ValueBits == long.MinValue ? double.NaN : BitConverter.Int64BitsToDouble(ValueBits))}";
}

/// <summary>The tracking calls the process tests repeat, with deadlines so a hung process fails a test instead of hanging it.</summary>
public static class TrackingCalls
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public static DateTime Deadline => DateTime.UtcNow + CallTimeout;

    public static async Task<string> CreateRunAsync(Api.TrackingService.TrackingServiceClient client, string experimentId, string runName)
    {
        var run = await client.CreateRunAsync(new Api.CreateRunRequest { ExperimentId = experimentId, RunName = runName }, deadline: Deadline);
        return run.Info.RunId;
    }

    public static async Task<string> CreateExperimentAsync(Api.TrackingService.TrackingServiceClient client, string prefix)
    {
        var experiment = await client.CreateExperimentAsync(new Api.CreateExperimentRequest { Name = $"{prefix}-{Guid.NewGuid():N}" }, deadline: Deadline);
        return experiment.ExperimentId;
    }

    /// <summary>Every stored point of one key, read page by page.</summary>
    public static async Task<List<Api.Metric>> ReadHistoryAsync(Api.TrackingService.TrackingServiceClient client, string runId, string key, int pageSize = 5000)
    {
        var points = new List<Api.Metric>();
        var token = "";
        for (var page = 0; page < 10_000; page++)
        {
            var response = await client.GetMetricHistoryAsync(new Api.GetMetricHistoryRequest
            {
                RunId = runId, MetricKey = key, PageSize = pageSize, PageToken = token,
            }, deadline: Deadline);
            points.AddRange(response.Metrics);
            if (response.NextPageToken.Length == 0) return points;
            if (response.NextPageToken == token) throw new InvalidOperationException($"GetMetricHistory repeated page token '{token}'");
            token = response.NextPageToken;
        }
        throw new InvalidOperationException("GetMetricHistory did not finish paging");
    }

    public static Api.Metric Point(string key, long step, double value) =>
        new() { Key = key, Step = step, Timestamp = 1_700_000_000_000 + step, Value = value };

    /// <summary>Reads <paramref name="count"/> events from a subscription, or fails with what arrived so far.</summary>
    public static async Task<List<Api.MetricEvent>> ReadEventsAsync(IAsyncStreamReader<Api.MetricEvent> stream, int count, TimeSpan timeout,
        Func<string> diagnostics)
    {
        var events = new List<Api.MetricEvent>(count);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (events.Count < count)
            {
                if (!await stream.MoveNext(cts.Token))
                    throw new InvalidOperationException($"the subscription ended after {events.Count} of {count} events");
                events.Add(stream.Current);
            }
            return events;
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or InvalidOperationException)
        {
            var seen = events.Count == 0 ? "none" : $"{events[0].Sequence}..{events[^1].Sequence}";
            throw new Xunit.Sdk.XunitException(
                $"expected {count} events within {timeout.TotalSeconds:F0} s, got {events.Count} (sequences {seen}): {e.GetType().Name}: {e.Message}\n{diagnostics()}");
        }
    }
}
