using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The online store on Redis (standalone or cluster), for the platform running as a cluster. One string key per
/// (view version, entity) holding the binary row (<see cref="OnlineRowCodec"/>) with the view's ttl + grace as key expiry;
/// view versions are named by a generation in a meta hash, so dropping one is a single hash update. Layout, persistence
/// and the trade-offs: docs/online-store.md.
/// </summary>
public sealed class RedisOnlineStore : IOnlineStore
{
    // A read sends at most this many keys per MGET: one huge command would hold Redis (single-threaded) for long.
    private const int MaxKeysPerRead = 1000;

    // Rows per write-script call: large enough to amortize the call, small enough that one call blocks Redis well under a
    // millisecond (reads queue behind it).
    private const int RowsPerScript = 128;

    private readonly IConnectionMultiplexer _redis;
    private readonly bool _ownsConnection;
    private readonly OnlineStoreOptions _options;
    private readonly RedisKeyspace _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly ConcurrentDictionary<OnlineViewKey, RedisViewGeneration> _views = new();
    private readonly RedisSweeper _sweeper;
    private readonly ITimer? _sweepTimer;
    private readonly CancellationTokenSource _disposing = new();
    private int _sweeping;

    // -1 unknown, 0 standalone, 1 cluster: decides whether keys must be grouped by hash slot.
    private int _cluster = -1;

    private RedisOnlineStore(IConnectionMultiplexer redis, bool ownsConnection, OnlineStoreOptions options, ILogger? logger, TimeProvider? time)
    {
        _redis = redis;
        _ownsConnection = ownsConnection;
        _options = options;
        _keys = new RedisKeyspace(options.KeyPrefix);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _endpoint = string.Join(",", redis.GetEndPoints().Select(e => e.ToString()));
        _sweeper = new RedisSweeper(redis, _keys, options, _time, _endpoint);
        _redis.ConfigurationChanged += OnConfigurationChanged;
        if (options.SweepInterval is { } interval)
        {
            _sweepTimer = _time.CreateTimer(_ => _ = SweepInBackgroundAsync(), null, interval, interval);
        }
    }

    /// <summary>
    /// Connects (or keeps trying in the background: a Redis that is down at start-up makes calls fail fast until it is up,
    /// it does not fail the start-up) and owns the connection.
    /// </summary>
    public static async Task<RedisOnlineStore> ConnectAsync(OnlineStoreOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        var config = Configure(options);
        var redis = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
        return new RedisOnlineStore(redis, ownsConnection: true, options, logger, time);
    }

    /// <summary>A store over a connection the caller owns (configure it like <see cref="Configure"/> for fail-fast calls).</summary>
    public static RedisOnlineStore Create(IConnectionMultiplexer redis, OnlineStoreOptions options, ILogger? logger = null, TimeProvider? time = null) =>
        new(redis, ownsConnection: false, options, logger, time);

    /// <summary>
    /// Client settings for an online store: calls fail at once while disconnected instead of queueing (a feature request has
    /// a millisecond budget; the caller answers UNAVAILABLE), time out after <see cref="OnlineStoreOptions.OperationTimeout"/>,
    /// and reconnect by themselves every 250 ms to 2 s.
    /// </summary>
    public static ConfigurationOptions Configure(OnlineStoreOptions options)
    {
        var connection = options.RedisConnectionString
            ?? throw new ArgumentException("OnlineStoreOptions.RedisConnectionString is not set", nameof(options));
        var config = ConfigurationOptions.Parse(connection);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        config.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        config.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        config.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        config.ClientName ??= "mlops-online";
        return config;
    }

    public async Task<int> WriteAsync(OnlineViewLayout view, IReadOnlyList<KeyValuePair<string, OnlineRow>> rows, CancellationToken ct)
    {
        var prepared = PreparedWrite.Prepare(view, rows, _time.GetUtcNow(), _options.ExpiryGrace);
        if (prepared.Rows.Count == 0) return 0;
        var entry = Entry(view.Key);
        var known = entry.Current ?? entry.Set(await EnsureAsync(entry, "", "", ct).ConfigureAwait(false), _keys);
        var maxExpiry = prepared.MaxExpiresAtMs == PreparedRow.Never
            ? "-1" : prepared.MaxExpiresAtMs.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            var batch = _redis.GetDatabase().CreateBatch();
            var writes = QueueWrites(batch, known, prepared.Rows);
            // After the writes in the same batch: if the view was dropped meanwhile, this answers the new generation.
            var ensure = batch.ScriptEvaluateAsync(RedisScripts.Ensure, [_keys.Meta],
                [entry.Field, known.Generation.ToString(CultureInfo.InvariantCulture), maxExpiry]);
            await Call(() => Send(batch, [.. writes, ensure]), "a write", ct).ConfigureAwait(false);
            var current = long.Parse((string?)ensure.Result ?? "0", CultureInfo.InvariantCulture);
            if (current == known.Generation) return writes.Sum(w => (int)w.Result);
            // Dropped (or re-created) while we wrote: the rows went to a generation nobody reads. Write them again.
            known = entry.Set(current, _keys);
            if (attempt == 3)
            {
                throw new OnlineStoreUnavailableException($"online store: {view.Key} was dropped during three write attempts in a row");
            }
        }
    }

    public async Task<OnlineRow?[][]> ReadAsync(IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entityKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(entityKeys);
        var result = new OnlineRow?[views.Count][];
        for (var v = 0; v < views.Count; v++) result[v] = new OnlineRow?[entityKeys.Count];
        if (views.Count == 0 || entityKeys.Count == 0) return result;

        var entries = new RedisViewGeneration[views.Count];
        var believed = new RedisViewGeneration.Known?[views.Count];
        var fields = new RedisValue[views.Count];
        for (var v = 0; v < views.Count; v++)
        {
            entries[v] = Entry(views[v].Key);
            believed[v] = entries[v].Current;
            fields[v] = entries[v].Field;
        }

        // One batch: the generations of every view (to validate what we believe) and the rows under the believed ones.
        var batch = _redis.GetDatabase().CreateBatch();
        var meta = batch.HashGetAsync(_keys.Meta, fields);
        var reads = QueueReads(batch, believed, entityKeys);
        await Call(() => Send(batch, [meta, .. reads.Select(r => r.Values)]), "a read", ct).ConfigureAwait(false);

        var stale = new RedisViewGeneration.Known?[views.Count];
        var anyStale = false;
        var current = meta.Result;
        for (var v = 0; v < views.Count; v++)
        {
            if (current[v].IsNull)
            {
                entries[v].Forget();
                believed[v] = null;
                continue;
            }
            var generation = (long)current[v];
            if (believed[v]?.Generation == generation) continue;
            stale[v] = entries[v].Set(generation, _keys);
            believed[v] = null;
            anyStale = true;
        }
        Fill(result, views, reads, believed);

        if (anyStale)
        {
            // First sight of a view in this process, or it was dropped and re-created: one more round trip for those.
            var again = _redis.GetDatabase().CreateBatch();
            var retry = QueueReads(again, stale, entityKeys);
            await Call(() => Send(again, [.. retry.Select(r => r.Values)]), "a read", ct).ConfigureAwait(false);
            Fill(result, views, retry, stale);
        }
        return result;
    }

    public async Task DropViewAsync(OnlineViewKey view, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(view);
        var entry = Entry(view);
        await Call(() => _redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.Drop, [_keys.Meta], [entry.Field]), "a drop", ct)
            .ConfigureAwait(false);
        entry.Forget();
    }

    public async Task<OnlineStoreStatus> StatusAsync(CancellationToken ct)
    {
        HashEntry[] meta;
        try
        {
            meta = await Call(() => _redis.GetDatabase().HashGetAllAsync(_keys.Meta), "a status check", ct).ConfigureAwait(false);
        }
        catch (OnlineStoreUnavailableException e)
        {
            return new OnlineStoreStatus(false, false, 0, e.Message);
        }
        var fields = meta.ToDictionary(e => (string?)e.Name ?? "", e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var live = 0;
        var hasData = false;
        foreach (var (name, generation) in fields)
        {
            if (!name.StartsWith("v:", StringComparison.Ordinal)) continue;
            live++;
            // x: is only there once a write landed; -1 means rows that never expire.
            if (fields.TryGetValue("x:" + generation, out var x) && long.TryParse(x, CultureInfo.InvariantCulture, out var expires))
            {
                hasData |= expires == -1 || expires > now;
            }
        }
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"redis {_endpoint} prefix '{_keys.Prefix}': {live} view version(s), {(hasData ? "holding data" : "empty")}");
        return new OnlineStoreStatus(true, hasData, live, detail);
    }

    public Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct) =>
        RedisDurability.ReadAsync(_options, ct);

    /// <summary>One bounded step of the sweep of dropped view versions (the background timer calls this too).</summary>
    public async Task<OnlineSweepResult> SweepAsync(CancellationToken ct) =>
        (await _sweeper.StepAsync(IsCluster, ct).ConfigureAwait(false)).Result;

    /// <summary>The Redis key of one row, for tests and operators (TTL, DEBUG OBJECT); null when the view has no data.</summary>
    internal async Task<RedisKey?> KeyOfAsync(OnlineViewKey view, string entityKey, CancellationToken ct)
    {
        var entry = Entry(view);
        var generation = await Call(() => _redis.GetDatabase().HashGetAsync(_keys.Meta, entry.Field), "HGET", ct).ConfigureAwait(false);
        return generation.IsNull ? (RedisKey?)null : RedisKeyspace.DataKey(_keys.DataKeyStart((long)generation), entityKey);
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConfigurationChanged -= OnConfigurationChanged;
        if (_sweepTimer is not null) await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_ownsConnection) await _redis.DisposeAsync().ConfigureAwait(false);
        _sweeper.Dispose();
        _disposing.Dispose();
    }

    private RedisViewGeneration Entry(OnlineViewKey view) => _views.GetOrAdd(view, static v => new RedisViewGeneration(v));

    private async Task<long> EnsureAsync(RedisViewGeneration entry, string expected, string maxExpiry, CancellationToken ct)
    {
        var result = await Call(() => _redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.Ensure, [_keys.Meta], [entry.Field, expected, maxExpiry]),
            "a view registration", ct).ConfigureAwait(false);
        return long.Parse((string?)result ?? "0", CultureInfo.InvariantCulture);
    }

    private List<Task<RedisResult>> QueueWrites(IBatch batch, RedisViewGeneration.Known known, List<PreparedRow> rows)
    {
        var writes = new List<Task<RedisResult>>();
        foreach (var group in GroupBySlot(rows.Count, i => RedisKeyspace.DataKey(known.KeyStart, rows[i].EntityKey)))
        {
            for (var start = 0; start < group.Count; start += RowsPerScript)
            {
                var n = Math.Min(RowsPerScript, group.Count - start);
                var keys = new RedisKey[n];
                var args = new RedisValue[2 * n];
                for (var j = 0; j < n; j++)
                {
                    var (index, key) = group[start + j];
                    var row = rows[index];
                    keys[j] = key;
                    args[2 * j] = row.Value;
                    args[2 * j + 1] = row.ExpiresAtMs == PreparedRow.Never ? 0 : row.ExpiresAtMs;
                }
                writes.Add(batch.ScriptEvaluateAsync(RedisScripts.Write, keys, args));
            }
        }
        return writes;
    }

    private List<PendingRead> QueueReads(IBatch batch, RedisViewGeneration.Known?[] generations, IReadOnlyList<string> entityKeys)
    {
        var reads = new List<PendingRead>();
        var views = Enumerable.Range(0, generations.Length).Where(v => generations[v] is not null).ToArray();
        if (views.Length == 0) return reads;
        // Group entities, not keys: all views of one entity share a slot, so a cluster gets one MGET per slot.
        var first = generations[views[0]]!;
        foreach (var group in GroupBySlot(entityKeys.Count, e => RedisKeyspace.DataKey(first.KeyStart, entityKeys[e])))
        {
            var entitiesPerRead = Math.Max(1, MaxKeysPerRead / views.Length);
            for (var start = 0; start < group.Count; start += entitiesPerRead)
            {
                var n = Math.Min(entitiesPerRead, group.Count - start);
                var keys = new RedisKey[n * views.Length];
                var cells = new (int View, int Entity)[keys.Length];
                var k = 0;
                for (var j = 0; j < n; j++)
                {
                    var entity = group[start + j].Index;
                    foreach (var v in views)
                    {
                        keys[k] = RedisKeyspace.DataKey(generations[v]!.KeyStart, entityKeys[entity]);
                        cells[k++] = (v, entity);
                    }
                }
                reads.Add(new PendingRead(batch.StringGetAsync(keys), cells));
            }
        }
        return reads;
    }

    private static void Fill(OnlineRow?[][] result, IReadOnlyList<OnlineViewLayout> views, List<PendingRead> reads, RedisViewGeneration.Known?[] valid)
    {
        foreach (var read in reads)
        {
            var values = read.Values.Result;
            for (var k = 0; k < values.Length; k++)
            {
                var (v, e) = read.Cells[k];
                if (valid[v] is null || values[k].IsNull) continue;
                result[v][e] = OnlineRowCodec.Decode(views[v], ((ReadOnlyMemory<byte>)values[k]).Span);
            }
        }
    }

    /// <summary>Items grouped by the hash slot of their key on a cluster; one group in their order otherwise.</summary>
    private List<List<(int Index, RedisKey Key)>> GroupBySlot(int count, Func<int, RedisKey> keyOf)
    {
        if (!IsCluster())
        {
            var all = new List<(int, RedisKey)>(count);
            for (var i = 0; i < count; i++) all.Add((i, keyOf(i)));
            return [all];
        }
        var bySlot = new Dictionary<int, List<(int, RedisKey)>>();
        for (var i = 0; i < count; i++)
        {
            var key = keyOf(i);
            var slot = _redis.HashSlot(key);
            if (!bySlot.TryGetValue(slot, out var list)) bySlot[slot] = list = [];
            list.Add((i, key));
        }
        return [.. bySlot.Values];
    }

    private bool IsCluster()
    {
        var known = Volatile.Read(ref _cluster);
        if (known >= 0) return known == 1;
        foreach (var server in _redis.GetServers())
        {
            if (!server.IsConnected) continue;
            var cluster = server.ServerType == ServerType.Cluster ? 1 : 0;
            Volatile.Write(ref _cluster, cluster);
            return cluster == 1;
        }
        // Not connected yet: the call will fail anyway; assume nothing.
        return false;
    }

    private void OnConfigurationChanged(object? sender, EndPointEventArgs e) => Volatile.Write(ref _cluster, -1);

    private async Task SweepInBackgroundAsync()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        try
        {
            // Steps back to back for at most a second per tick, so a big drop finishes in bounded slices.
            var until = _time.GetTimestamp() + _time.TimestampFrequency;
            while (!_disposing.IsCancellationRequested && _time.GetTimestamp() < until)
            {
                var step = await _sweeper.StepAsync(IsCluster, _disposing.Token).ConfigureAwait(false);
                // Entries that only wait for their keys to expire need no more steps now.
                if (!step.MoreScanWork) break;
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "online store sweep failed; retrying next interval");
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private Task<T> Call<T>(Func<Task<T>> start, string what, CancellationToken ct) =>
        RedisFailures.Bound(start, _options.OperationTimeout, what, _endpoint, ct);

    private Task Call(Func<Task> start, string what, CancellationToken ct) =>
        RedisFailures.Bound(start, _options.OperationTimeout, what, _endpoint, ct);

    /// <summary>Sends a queued batch (one write to the socket, so one round trip) and gives the task of all its replies.</summary>
    private static Task Send(IBatch batch, Task[] replies)
    {
        batch.Execute();
        return Task.WhenAll(replies);
    }

    private sealed record PendingRead(Task<RedisValue[]> Values, (int View, int Entity)[] Cells);
}
