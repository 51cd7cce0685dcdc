using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
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
    private readonly Channel<IWorkItem> _queue = Channel.CreateUnbounded<IWorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private static readonly TimeSpan CheckpointPeriod = TimeSpan.FromSeconds(1);
    private readonly Task _loop;
    private readonly Task _checkpoints;
    private readonly CancellationTokenSource _stop = new();

    private SqliteWriter(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(RunAsync);
        _checkpoints = Task.Run(CheckpointAsync);
    }

    public static async Task<SqliteWriter> StartAsync(string connectionString, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await connection.ExecAsync(null, "PRAGMA journal_mode=WAL", ct).ConfigureAwait(false);
        // A commit that crosses the auto-checkpoint threshold would copy the WAL into the database before it answers,
        // a tail-latency spike of tens of milliseconds; checkpoints run beside the writer instead (CheckpointAsync).
        await connection.ExecAsync(null, "PRAGMA wal_autocheckpoint=0", ct).ConfigureAwait(false);
        await ConfigureAsync(connection, ct).ConfigureAwait(false);
        return new SqliteWriter(connection);
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

    public Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var item = new WorkItem<T>(work, ct);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Completion.Task;
    }

    private async Task RunAsync()
    {
        var group = new List<IWorkItem>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var item))
                if (!item.IsCancelled) group.Add(item);
            if (group.Count == 0) continue;
            await CommitGroupAsync(group).ConfigureAwait(false);
        }
    }

    private async Task CommitGroupAsync(List<IWorkItem> group)
    {
        DbTransaction? tx = null;
        try
        {
            // Not deferred: take the write lock up front rather than fail on upgrade.
            tx = _connection.BeginTransaction(deferred: false);
            foreach (var item in group)
            {
                await tx.SaveAsync("w").ConfigureAwait(false);
                if (await item.RunAsync(_connection, tx).ConfigureAwait(false)) await tx.ReleaseAsync("w").ConfigureAwait(false);
                else
                {
                    await tx.RollbackAsync("w").ConfigureAwait(false);
                    await tx.ReleaseAsync("w").ConfigureAwait(false);
                }
            }
            // The group's one fsync: what every write of the group waited for.
            var start = Stages.Start(Stages.Commit);
            await tx.CommitAsync().ConfigureAwait(false);
            if (start != 0) Stages.Commit.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("backend", BackendName));
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
    /// for the writer or readers, so commits keep their latency; the WAL is reused from the start once fully copied.
    /// </summary>
    private async Task CheckpointAsync()
    {
        await using var connection = new SqliteConnection(_connection.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await ConfigureAsync(connection, CancellationToken.None).ConfigureAwait(false);
        using var timer = new PeriodicTimer(CheckpointPeriod);
        var ticks = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await connection.ExecAsync(null, "PRAGMA wal_checkpoint(PASSIVE)", _stop.Token).ConfigureAwait(false);
                    // Keeps the planner's statistics current as tables grow, so searches pick the selective index.
                    if (++ticks % 60 == 0) await connection.ExecAsync(null, "PRAGMA optimize", _stop.Token).ConfigureAwait(false);
                }
                catch (SqliteException) { /* busy: the next tick tries again */ }
            }
        }
        catch (OperationCanceledException) { /* disposed */ }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _checkpoints.ConfigureAwait(false);
        _stop.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private interface IWorkItem
    {
        bool IsCancelled { get; }
        /// <summary>Runs the work; false when it failed (its failure is kept and reported at completion).</summary>
        Task<bool> RunAsync(SqliteConnection connection, DbTransaction transaction);
        void Complete();
        void Fail(Exception exception);
    }

    private sealed class WorkItem<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) : IWorkItem
    {
        private T? _result;
        private Exception? _failure;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsCancelled
        {
            get
            {
                if (!ct.IsCancellationRequested) return false;
                Completion.TrySetCanceled(ct);
                return true;
            }
        }

        public async Task<bool> RunAsync(SqliteConnection connection, DbTransaction transaction)
        {
            try
            {
                _result = await work(connection, transaction, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (Exception e)
            {
                _failure = e;
                return false;
            }
        }

        // A write that failed inside a committed group reports its own failure; the others their results.
        public void Complete()
        {
            if (_failure is not null) Completion.TrySetException(_failure);
            else Completion.TrySetResult(_result!);
        }

        public void Fail(Exception exception) => Completion.TrySetException(_failure ?? exception);
    }
}
