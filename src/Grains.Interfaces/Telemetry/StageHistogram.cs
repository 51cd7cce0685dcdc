namespace MlOps.Orleans.Contracts.Telemetry;

/// <summary>
/// A live histogram over <see cref="LogBuckets"/>, written from any number of threads without a lock (one interlocked add
/// per bucket, count and sum), read as a <see cref="StageSnapshot"/>. A snapshot taken while writes land may miss a write
/// that is half done; a window's diff absorbs that, and monitoring wants no lock on the request path.
/// </summary>
public sealed class StageHistogram
{
    private readonly long[] _buckets = new long[LogBuckets.Count];
    private long _count;
    // Nanoseconds in a long: an interlocked add, where a double sum would need a compare-exchange loop.
    private long _sumNanos;

    public void Record(double ms)
    {
        Interlocked.Increment(ref _buckets[LogBuckets.IndexOf(ms)]);
        Interlocked.Increment(ref _count);
        if (ms > 0) Interlocked.Add(ref _sumNanos, (long)(Math.Min(ms, 1e9) * 1e6));
    }

    public StageSnapshot Snapshot()
    {
        var buckets = new long[_buckets.Length];
        for (var i = 0; i < buckets.Length; i++) buckets[i] = Volatile.Read(ref _buckets[i]);
        return new StageSnapshot(buckets, Volatile.Read(ref _count), Volatile.Read(ref _sumNanos) / 1e6);
    }
}
