using System.Text;
using System.Text.Json;
using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Grains.Tracking;

/// <summary>Metric history reads: pages ordered by (step, timestamp), or a chart-sized downsample.</summary>
internal static class MetricHistory
{
    private const int ScanChunk = 20000;

    public static async Task<MetricHistoryPage> ReadAsync(ITrackingStore store, string runId, MetricHistoryQuery query)
    {
        TrackingValidation.Key(query.Key, "metric_key");
        if (query.StartStep is { } s0 && query.EndStep is { } s1 && s0 > s1)
            throw MlopsException.Invalid("start_step", $"start_step {s0} is after end_step {s1}");
        if (query.MaxPoints != 0)
        {
            if (query.MaxPoints is < 4 or > TrackingLimits.MaxHistoryPoints)
                throw MlopsException.Invalid("max_points", $"max_points must be between 4 and {TrackingLimits.MaxHistoryPoints}; got {query.MaxPoints}");
            if (!string.IsNullOrEmpty(query.PageToken)) throw MlopsException.Invalid("page_token", "a downsampled history is not paged");
            var all = await ReadAllAsync(store, runId, query).ConfigureAwait(false);
            return new MetricHistoryPage(Downsample(all, query.MaxPoints), null);
        }
        var size = query.PageSize == 0 ? TrackingLimits.DefaultHistoryPage : query.PageSize;
        if (size is < 1 or > TrackingLimits.MaxHistoryPage)
            throw MlopsException.Invalid("page_size", $"page_size must be between 1 and {TrackingLimits.MaxHistoryPage}; got {size}");
        var after = string.IsNullOrEmpty(query.PageToken) ? (HistoryCursor?)null : DecodeToken(query.PageToken);
        var points = await store.ReadMetricHistoryAsync(runId, query.Key, query.StartStep, query.EndStep, after, size + 1).ConfigureAwait(false);
        if (points.Count <= size) return new MetricHistoryPage(points, null);
        var page = points.Take(size).ToList();
        var last = page[^1];
        return new MetricHistoryPage(page, EncodeToken(new HistoryCursor(last.Step, last.Timestamp, BitConverter.DoubleToInt64Bits(last.Value))));
    }

    /// <summary>
    /// Cuts the ordered points into buckets of equal count and keeps each bucket's first, last, minimum and maximum, so
    /// the shape and every spike survive. Buckets are by position, not step, so many points at one step still thin out.
    /// </summary>
    public static IReadOnlyList<MetricPoint> Downsample(IReadOnlyList<MetricPoint> points, int maxPoints)
    {
        if (points.Count <= maxPoints) return points;
        var buckets = maxPoints / 4;
        var result = new List<MetricPoint>(maxPoints);
        for (var b = 0; b < buckets; b++)
        {
            var start = (int)((long)points.Count * b / buckets);
            var end = (int)((long)points.Count * (b + 1) / buckets);
            if (end <= start) continue;
            int min = start, max = start;
            for (var i = start; i < end; i++)
            {
                var v = points[i].Value;
                if (double.IsNaN(v)) continue;
                if (double.IsNaN(points[min].Value) || v < points[min].Value) min = i;
                if (double.IsNaN(points[max].Value) || v > points[max].Value) max = i;
            }
            foreach (var i in new SortedSet<int> { start, min, max, end - 1 }) result.Add(points[i]);
        }
        return result;
    }

    private static async Task<List<MetricPoint>> ReadAllAsync(ITrackingStore store, string runId, MetricHistoryQuery query)
    {
        var all = new List<MetricPoint>();
        HistoryCursor? after = null;
        while (true)
        {
            var chunk = await store.ReadMetricHistoryAsync(runId, query.Key, query.StartStep, query.EndStep, after, ScanChunk).ConfigureAwait(false);
            all.AddRange(chunk);
            if (chunk.Count < ScanChunk) return all;
            var last = chunk[^1];
            after = new HistoryCursor(last.Step, last.Timestamp, BitConverter.DoubleToInt64Bits(last.Value));
        }
    }

    private static string EncodeToken(HistoryCursor cursor) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { cursor.Step, cursor.Timestamp, cursor.ValueBits }));

    private static HistoryCursor DecodeToken(string token)
    {
        try
        {
            var values = JsonSerializer.Deserialize<long[]>(Encoding.UTF8.GetString(Convert.FromBase64String(token)));
            if (values is { Length: 3 }) return new HistoryCursor(values[0], values[1], values[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException) { }
        throw MlopsException.Invalid("page_token", "page_token is not a token returned by a metric history read");
    }
}
