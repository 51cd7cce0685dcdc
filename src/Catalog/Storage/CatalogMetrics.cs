using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Catalog.Storage;

/// <summary>
/// Group commit, as an exporter sees it: how many writes each catalog commit carried and how many wait for the writer.
/// Both on the platform's meter (<see cref="Stages.Meter"/>), tagged <c>backend</c>; a backend's writer calls
/// <see cref="RecordCommit"/> once per durable commit; <see cref="WriteQueue"/> registers its queue with <see cref="TrackQueue"/>.
/// </summary>
public static class CatalogMetrics
{
    /// <summary>Powers of two up to the SQLite writer's largest group (512; PostgreSQL's is 256), and beyond.</summary>
    private static readonly IReadOnlyList<long> WriteBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

    /// <summary>Writes per commit (tag <c>backend</c>): 1 means no grouping happened; the mean is the group-commit factor.</summary>
    public static readonly Histogram<long> CommitWrites = Stages.Meter.CreateHistogram("mlops.catalog.commit_writes", "{write}",
        "Writes made durable by one catalog commit (the group-commit size)", tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = WriteBuckets });

    private static readonly ConcurrentDictionary<object, (string Backend, Func<long> Depth)> Queues = new();

    /// <summary>Writes queued behind the writer, read when an exporter collects (no cost per write).</summary>
    public static readonly ObservableGauge<long> WriteQueueDepth = Stages.Meter.CreateObservableGauge("mlops.catalog.write_queue_depth",
        ObserveQueues, "{write}", "Catalog writes waiting for the writer, per backend");

    /// <summary>One durable commit of <paramref name="writes"/> writes; a no-op while nothing listens.</summary>
    public static void RecordCommit(string backend, int writes)
    {
        if (CommitWrites.Enabled) CommitWrites.Record(writes, new KeyValuePair<string, object?>("backend", backend));
    }

    /// <summary>Reports <paramref name="depth"/> under <paramref name="backend"/> until the returned handle is disposed.</summary>
    public static IDisposable TrackQueue(string backend, Func<long> depth)
    {
        var key = new object();
        Queues[key] = (backend, depth);
        return new Untrack(key);
    }

    // Queues of one backend add up (two catalogs in one test process); each backend is one measurement.
    private static IEnumerable<Measurement<long>> ObserveQueues() =>
        Queues.Values.GroupBy(q => q.Backend, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(q => q.Depth()), new KeyValuePair<string, object?>("backend", g.Key)))
            .ToList();

    private sealed class Untrack(object key) : IDisposable
    {
        public void Dispose() => Queues.TryRemove(key, out _);
    }
}
