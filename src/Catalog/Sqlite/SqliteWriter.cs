using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Catalog.Sqlite;

/// <summary>
/// The single writer of a SQLite catalog. SQLite allows one writer at a time, and each commit pays an fsync, so writes
/// queued while a commit is in flight are committed together (group commit); each runs in its own savepoint, so one
/// failing write does not undo the others.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    public const string BackendName = "sqlite";
    public const string JournalModeSetting = "journal_mode";
    public const string SynchronousSetting = "synchronous";
    private const int MaxGroup = 512;
    private readonly SqliteConnection _connection;
    private static readonly TimeSpan DefaultCheckpointPeriod = TimeSpan.FromSeconds(1);

    /// <summary>WAL frames (4 KiB pages: 64 MiB) past which a checkpoint holds new readers back and empties the WAL.</summary>
    internal const long DefaultMaxWalFrames = 16_384;
    private readonly long _maxWalFrames;
    private readonly TimeSpan _checkpointPeriod;
    private const int OptimizeEveryTicks = 5;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMilliseconds(100);
    private readonly SqliteReadGate _readers = new();
    private readonly WriteQueue _queue;
    private readonly Task _checkpoints;
    private readonly CancellationTokenSource _stop = new();

    private SqliteWriter(SqliteConnection connection, long maxWalFrames, TimeSpan checkpointPeriod)
    {
        _connection = connection;
        _maxWalFrames = maxWalFrames;
        _checkpointPeriod = checkpointPeriod;
        // One lane: SQLite has one writer, and the single connection is this class's.
        _queue = new WriteQueue(BackendName, 1, MaxGroup, CommitGroupAsync);
        _checkpoints = Task.Run(CheckpointAsync);
    }

    /// <param name="maxWalFrames">See <see cref="DefaultMaxWalFrames"/>; tests lower it.</param>
    /// <param name="checkpointPeriod">One second unless a test shortens it.</param>
    public static async Task<SqliteWriter> StartAsync(
        string connectionString, CancellationToken ct, long maxWalFrames = DefaultMaxWalFrames, TimeSpan? checkpointPeriod = null)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await connection.ExecAsync(null, "PRAGMA journal_mode=WAL", ct).ConfigureAwait(false);
        // A commit that crosses the auto-checkpoint threshold would copy the WAL into the database before it answers,
        // a tail-latency spike of tens of milliseconds; checkpoints run beside the writer instead (CheckpointAsync).
        await connection.ExecAsync(null, "PRAGMA wal_autocheckpoint=0", ct).ConfigureAwait(false);
        await ConfigureAsync(connection, ct).ConfigureAwait(false);
        return new SqliteWriter(connection, maxWalFrames, checkpointPeriod ?? DefaultCheckpointPeriod);
    }

    /// <summary>Per-connection settings: durable commits, waiting on locks instead of failing, case-sensitive LIKE as in PostgreSQL.</summary>
    public static Task ConfigureAsync(SqliteConnection connection, CancellationToken ct) =>
        connection.ExecAsync(null, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA case_sensitive_like=ON;", ct);

    /// <summary>
    /// <c>journal_mode</c> and <c>synchronous</c> as the write connection itself reports them (each connection has its own
    /// <c>synchronous</c>, so only this one says how commits are made durable), lower case: <c>wal</c>, <c>full</c>.
    /// </summary>
    public Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct) =>
        EnqueueAsync<IReadOnlyDictionary<string, string?>>(async (c, tx, token) =>
        {
            await using var journal = c.Command("PRAGMA journal_mode", tx);
            await using var synchronous = c.Command("PRAGMA synchronous", tx);
            var level = Convert.ToInt64(await synchronous.ExecuteScalarAsync(token).ConfigureAwait(false), CultureInfo.InvariantCulture);
            return new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [JournalModeSetting] = Convert.ToString(await journal.ExecuteScalarAsync(token).ConfigureAwait(false), CultureInfo.InvariantCulture)?.ToLowerInvariant(),
                [SynchronousSetting] = level switch { 0 => "off", 1 => "normal", 2 => "full", 3 => "extra", _ => level.ToString(CultureInfo.InvariantCulture) },
            };
        }, ct);

    /// <summary>A read connection of its own, counted at the checkpoint's gate until it is closed.</summary>
    public async Task<SqliteConnection> OpenReadAsync(CancellationToken ct)
    {
        await _readers.EnterAsync(ct).ConfigureAwait(false);
        var connection = new SqliteConnection(_connection.ConnectionString);
        var left = 0;
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == System.Data.ConnectionState.Closed && Interlocked.Exchange(ref left, 1) == 0) _readers.Exit();
        };
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await ConfigureAsync(connection, ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (Interlocked.Exchange(ref left, 1) == 0) _readers.Exit();
            throw;
        }
    }

    public Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) =>
        _queue.EnqueueAsync(work, ct);

    private async Task CommitGroupAsync(List<QueuedWrite> group)
    {
        DbTransaction? tx = null;
        try
        {
            // Not deferred: take the write lock up front rather than fail on upgrade.
            tx = _connection.BeginTransaction(deferred: false);
            if (await WriteQueue.RunGroupAsync(group, _connection, tx).ConfigureAwait(false))
            {
                // The group's one fsync: what every write of the group waited for.
                var start = Stages.Start(Stages.Commit);
                await tx.CommitAsync().ConfigureAwait(false);
                if (start != 0) Stages.Commit.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("backend", BackendName));
                CatalogMetrics.RecordCommit(BackendName, group.Count);
            }
            else await tx.RollbackAsync().ConfigureAwait(false);
            foreach (var item in group) item.Complete();
        }
        catch (Exception e)
        {
            if (tx is not null)
            {
                try { await tx.RollbackAsync().ConfigureAwait(false); }
                catch (SqliteException) { /* already rolled back by SQLite itself */ }
            }
            foreach (var item in group) item.Fail(e);
        }
        finally
        {
            if (tx is not null) await tx.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Copies committed WAL pages into the database file every second from a connection of its own. PASSIVE never waits
    /// for the writer or readers, so commits keep their latency; the WAL is reused from the start once fully copied, but
    /// only when no reader still reads from it. Under steady reads and writes some reader always does, so the file grew
    /// without bound (1.3 GB after seeding 20,000 runs) and every page read searched a wal-index of 76 hash tables: search
    /// p90 108 ms against 7 ms once checkpointed. Past <see cref="DefaultMaxWalFrames"/> the checkpoint makes a moment
    /// without readers and empties the file (<see cref="TruncateAsync"/>).
    /// </summary>
    private async Task CheckpointAsync()
    {
        await using var connection = new SqliteConnection(_connection.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await ConfigureAsync(connection, CancellationToken.None).ConfigureAwait(false);
        // ANALYZE samples this many index rows rather than reading whole tables: statistics stay cheap at any size.
        await connection.ExecAsync(null, "PRAGMA analysis_limit=1000", CancellationToken.None).ConfigureAwait(false);
        using var timer = new PeriodicTimer(_checkpointPeriod);
        var ticks = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    if (await CheckpointAsync(connection, "PASSIVE", _stop.Token).ConfigureAwait(false) > _maxWalFrames)
                        await TruncateAsync(connection, _stop.Token).ConfigureAwait(false);
                    // Keeps the planner's statistics current as tables grow (0x10000: every table, not only those this
                    // connection queried; SQLite re-analyzes one only when its size changed tenfold, so most runs are no-ops).
                    // Without statistics some searches took 115 ms instead of 7 until the first analysis, a minute in.
                    if (++ticks % OptimizeEveryTicks == 0) await connection.ExecAsync(null, "PRAGMA optimize=0x10002", _stop.Token).ConfigureAwait(false);
                }
                catch (SqliteException) { /* busy: the next tick tries again */ }
            }
        }
        catch (OperationCanceledException) { /* disposed */ }
    }

    /// <summary>
    /// Empties the WAL in a reader gap of its own making: new reads wait at the gate while those in flight finish (the
    /// longest read in flight is the stall, once per <see cref="DefaultMaxWalFrames"/> of commits), then TRUNCATE, which
    /// also waits for the write in flight. A read that outlasts <see cref="DrainTimeout"/> gives the moment up, and the
    /// next tick tries again.
    /// </summary>
    private async Task TruncateAsync(SqliteConnection connection, CancellationToken ct)
    {
        if (!await _readers.CloseAsync(DrainTimeout, ct).ConfigureAwait(false)) return;
        try { await CheckpointAsync(connection, "TRUNCATE", ct).ConfigureAwait(false); }
        finally { _readers.Open(); }
    }

    /// <summary>Runs one checkpoint; returns the WAL's size in frames before it (SQLite reports -1 when not in WAL mode).</summary>
    internal static async Task<long> CheckpointAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        await using var command = connection.Command($"PRAGMA wal_checkpoint({mode})");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        // One row: busy (1 when it could not finish), frames in the WAL, frames copied into the database.
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(1) : -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _checkpoints.ConfigureAwait(false);
        _stop.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
