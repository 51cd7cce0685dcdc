using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The embedded online store for the one-process mode: its own SQLite file (<c>online.db</c>) in WAL mode with
/// synchronous=FULL under the folder it is given. Same semantics as <see cref="RedisOnlineStore"/>: newest-wins in the
/// upsert itself, expiry at event + ttl + grace checked on read and enforced by a periodic sweep, O(1) drop by generation.
/// One writer connection (SQLite has one writer anyway) and a pool of prepared read connections.
/// </summary>
public sealed class SqliteOnlineStore : IOnlineStore
{
    private readonly string _path;
    private readonly OnlineStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SqliteOnlineWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentBag<SqliteReader> _readers = [];
    private readonly int _maxIdleReaders = Math.Max(2, Environment.ProcessorCount * 2);
    private readonly ITimer? _sweepTimer;
    private readonly CancellationTokenSource _disposing = new();
    private int _sweeping;

    private SqliteOnlineStore(string path, OnlineStoreOptions options, ILogger? logger, TimeProvider? time)
    {
        _path = path;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _writer = new SqliteOnlineWriter(path, options.OperationTimeout);
        if (options.SweepInterval is { } interval)
        {
            _sweepTimer = _time.CreateTimer(_ => _ = SweepInBackgroundAsync(), null, interval, interval);
        }
    }

    /// <summary>Opens (creating if needed) <c>online.db</c> under <see cref="OnlineStoreOptions.SqliteFolder"/>.</summary>
    public static SqliteOnlineStore Open(OnlineStoreOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        var folder = options.SqliteFolder ?? throw new ArgumentException("OnlineStoreOptions.SqliteFolder is not set", nameof(options));
        // Durably: a new online/ folder (and data folder) must outlive a power loss as the rows written into it do.
        DurableFolders.Create(folder);
        return new SqliteOnlineStore(Path.Combine(folder, SqliteSchema.FileName), options, logger, time);
    }

    public async Task<int> WriteAsync(OnlineViewLayout view, IReadOnlyList<KeyValuePair<string, OnlineRow>> rows, CancellationToken ct)
    {
        var prepared = PreparedWrite.Prepare(view, rows, _time.GetUtcNow(), _options.ExpiryGrace);
        if (prepared.Rows.Count == 0) return 0;
        return await Locked(() => _writer.Write(view.Key, prepared), "a write", ct).ConfigureAwait(false);
    }

    public Task<OnlineRow?[][]> ReadAsync(IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entityKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(entityKeys);
        ct.ThrowIfCancellationRequested();
        var reader = Rent();
        try
        {
            var result = reader.Read(views, entityKeys, _time.GetUtcNow().ToUnixTimeMilliseconds());
            Return(reader);
            return Task.FromResult(result);
        }
        catch (SqliteException e) when (SqliteFailures.IsUnavailable(e))
        {
            reader.Dispose();
            throw SqliteFailures.Wrap(_path, "a read", e);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public async Task DropViewAsync(OnlineViewKey view, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(view);
        await Locked(() =>
        {
            _writer.Drop(view);
            return 0;
        }, "a drop", ct).ConfigureAwait(false);
    }

    public async Task<OnlineStoreStatus> StatusAsync(CancellationToken ct)
    {
        try
        {
            return await Locked(() => _writer.Status(_time.GetUtcNow().ToUnixTimeMilliseconds(), _path), "a status check", ct)
                .ConfigureAwait(false);
        }
        catch (OnlineStoreUnavailableException e)
        {
            return new OnlineStoreStatus(false, false, 0, e.Message);
        }
    }

    public Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct) =>
        Locked(_writer.DurabilitySettings, "a settings check", ct);

    /// <summary>One bounded sweep step: rows of a dropped view version, else expired rows (at most
    /// <see cref="OnlineStoreOptions.SweepBatch"/> each).</summary>
    public Task<OnlineSweepResult> SweepAsync(CancellationToken ct) =>
        Locked(() => _writer.SweepStep(_time.GetUtcNow().ToUnixTimeMilliseconds(), _options.SweepBatch), "a sweep", ct);

    public async ValueTask DisposeAsync()
    {
        if (_sweepTimer is not null) await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        await _disposing.CancelAsync().ConfigureAwait(false);
        // Waits for a running write or sweep step so the file is closed after its commit.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        _writer.Dispose();
        while (_readers.TryTake(out var reader)) reader.Dispose();
        _writeLock.Dispose();
        _disposing.Dispose();
    }

    private async Task<T> Locked<T>(Func<T> action, string what, CancellationToken ct)
    {
        if (!await _writeLock.WaitAsync(_options.OperationTimeout, ct).ConfigureAwait(false))
        {
            throw new OnlineStoreUnavailableException($"online store unavailable: SQLite {_path} was busy longer than {_options.OperationTimeout} for {what}");
        }
        try
        {
            return action();
        }
        catch (SqliteException e) when (SqliteFailures.IsUnavailable(e))
        {
            throw SqliteFailures.Wrap(_path, what, e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteReader Rent()
    {
        if (_readers.TryTake(out var reader)) return reader;
        try
        {
            return new SqliteReader(_path, _options.OperationTimeout);
        }
        catch (SqliteException e) when (SqliteFailures.IsUnavailable(e))
        {
            throw SqliteFailures.Wrap(_path, "opening a reader", e);
        }
    }

    private void Return(SqliteReader reader)
    {
        if (_readers.Count < _maxIdleReaders) _readers.Add(reader);
        else reader.Dispose();
    }

    private async Task SweepInBackgroundAsync()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        try
        {
            // Steps back to back for at most a second per tick; each step is its own short transaction, so writers
            // interleave with the sweep instead of waiting for all of it.
            var until = _time.GetTimestamp() + _time.TimestampFrequency;
            while (!_disposing.IsCancellationRequested && _time.GetTimestamp() < until)
            {
                var step = await SweepAsync(_disposing.Token).ConfigureAwait(false);
                if (step.Pending == 0) break;
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (_disposing.IsCancellationRequested)
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
}
