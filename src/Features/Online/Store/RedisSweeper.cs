using System.Globalization;
using StackExchange.Redis;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// Gives back the space of dropped view versions. A version with a ttl needs nothing: every key it wrote expires by the
/// latest expiry the meta hash recorded, after which its entry is forgotten. A version without a ttl has keys that never
/// expire, so the sweep deletes them: SCAN over each primary with a MATCH on the generation's key start, a few pages per
/// step, cursors kept between steps. This runs in the background only, never on a request, and only while such a drop is
/// pending.
/// </summary>
internal sealed class RedisSweeper(IConnectionMultiplexer redis, RedisKeyspace keys, OnlineStoreOptions options, TimeProvider time, string endpoint)
    : IDisposable
{
    private const int PagesPerStep = 8;
    private const long Done = -1;

    // generation → SCAN cursor per primary; touched only under _gate.
    private readonly Dictionary<long, Dictionary<string, long>> _cursors = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <returns>The step's outcome, and whether a generation still has pages to scan (worth another step right away).</returns>
    public async Task<(OnlineSweepResult Result, bool MoreScanWork)> StepAsync(Func<bool> isCluster, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var db = redis.GetDatabase();
            var meta = await Call(() => db.HashGetAllAsync(keys.Meta), "the sweep's HGETALL", ct).ConfigureAwait(false);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            int deleted = 0, pending = 0, pages = 0;
            var more = false;
            foreach (var entry in meta)
            {
                var name = (string?)entry.Name ?? "";
                if (!name.StartsWith("d:", StringComparison.Ordinal)) continue;
                var generation = long.Parse(name.AsSpan(2), CultureInfo.InvariantCulture);
                var expires = long.Parse((string?)entry.Value ?? "-1", CultureInfo.InvariantCulture);
                if (expires >= 0)
                {
                    if (expires < now) await Call(() => db.HashDeleteAsync(keys.Meta, entry.Name), "HDEL", ct).ConfigureAwait(false);
                    else pending++;
                    continue;
                }
                if (pages >= PagesPerStep)
                {
                    pending++;
                    more = true;
                    continue;
                }
                var (done, removed, used) = await ScanAsync(generation, PagesPerStep - pages, isCluster(), ct).ConfigureAwait(false);
                deleted += removed;
                pages += used;
                if (done)
                {
                    _cursors.Remove(generation);
                    await Call(() => db.HashDeleteAsync(keys.Meta, entry.Name), "HDEL", ct).ConfigureAwait(false);
                }
                else
                {
                    pending++;
                    more = true;
                }
            }
            return (new OnlineSweepResult(deleted, pending), more);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(bool Done, int Deleted, int Pages)> ScanAsync(long generation, int maxPages, bool cluster, CancellationToken ct)
    {
        if (!_cursors.TryGetValue(generation, out var cursors)) _cursors[generation] = cursors = [];
        var pattern = keys.GenerationPattern(generation);
        var primaries = redis.GetServers().Where(s => !s.IsReplica).ToList();
        if (primaries.Count == 0 || primaries.Any(s => !s.IsConnected))
        {
            throw new OnlineStoreUnavailableException($"online store unavailable: not every Redis primary of {endpoint} is connected");
        }
        int deleted = 0, pages = 0;
        foreach (var server in primaries)
        {
            var id = server.EndPoint.ToString() ?? "";
            var cursor = cursors.GetValueOrDefault(id, 0);
            while (cursor != Done && pages < maxPages)
            {
                var page = await Call(() => server.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", options.SweepBatch), "SCAN", ct)
                    .ConfigureAwait(false);
                pages++;
                var next = long.Parse((string?)page[0] ?? "0", CultureInfo.InvariantCulture);
                var found = (RedisKey[]?)page[1] ?? [];
                deleted += await UnlinkAsync(server, found, cluster, ct).ConfigureAwait(false);
                cursor = next == 0 ? Done : next;
                cursors[id] = cursor;
            }
        }
        return (cursors.Count == primaries.Count && cursors.Values.All(c => c == Done), deleted, pages);
    }

    private async Task<int> UnlinkAsync(IServer server, RedisKey[] found, bool cluster, CancellationToken ct)
    {
        if (found.Length == 0) return 0;
        if (!cluster)
        {
            var n = await Call(() => server.ExecuteAsync("UNLINK", found.Cast<object>().ToArray()), "UNLINK", ct).ConfigureAwait(false);
            return (int)n;
        }
        // A cluster refuses multi-key commands across slots, even on one node.
        var results = await Call(() => Task.WhenAll(found.Select(k => server.ExecuteAsync("UNLINK", (object)k))), "UNLINK", ct).ConfigureAwait(false);
        return results.Sum(r => (int)r);
    }

    public void Dispose() => _gate.Dispose();

    private Task<T> Call<T>(Func<Task<T>> start, string what, CancellationToken ct) =>
        RedisFailures.Bound(start, options.OperationTimeout, what, endpoint, ct);
}
