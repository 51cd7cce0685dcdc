using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Storage;

/// <summary>
/// One catalog database (SQLite 3.35+ or PostgreSQL 12+, both speaking the shared dialect) as every store sees it:
/// read connections, the durable write path and the few statements that differ. All stores of a catalog share one.
/// </summary>
public abstract class CatalogDatabase : IAsyncDisposable
{
    /// <summary>The only workspace so far; every table is keyed by it.</summary>
    public const string Workspace = "default";

    /// <summary>The backend's name in stage timings (<c>sqlite</c>, <c>postgres</c>).</summary>
    public abstract string Backend { get; }

    /// <summary>
    /// An open connection for reads; the caller disposes it. With the store stage timed, the read counts from here until
    /// the connection closes: every store read opens one connection for its statements, so that is the operation.
    /// </summary>
    public Task<DbConnection> OpenReadAsync(CancellationToken ct, [CallerMemberName] string operation = "")
    {
        // Untimed and untraced, the backend's task is returned as is: no second state machine on every read.
        var start = Stages.Start(Stages.Store);
        var span = StartSpan("catalog.read", operation);
        return start == 0 && span is null ? OpenReadCoreAsync(ct) : TimedOpenReadAsync(start, span, operation, ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction that is durably committed before the task completes. Timed as one
    /// store write (queueing behind the SQLite writer and the commit included), named by the calling store method.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct,
        [CallerMemberName] string operation = "")
    {
        var start = Stages.Start(Stages.Store);
        var span = StartSpan("catalog.write", operation);
        var written = WriteCoreAsync(work, ct);
        return start == 0 && span is null ? written : TimedWriteAsync(written, start, span, operation);
    }

    /// <summary>
    /// A span for one store operation when a tracer listens (null otherwise, at the cost of one check). The caller's
    /// <see cref="Activity.Current"/> is put back at once: these methods return a task, and the span ends when it completes,
    /// so it must not become the parent of whatever the caller does next.
    /// </summary>
    private Activity? StartSpan(string name, string operation)
    {
        if (!Traces.Source.HasListeners()) return null;
        var caller = Activity.Current;
        var span = Traces.Source.StartActivity(name, ActivityKind.Client);
        Activity.Current = caller;
        span?.SetTag("db.system", Backend);
        span?.SetTag("db.operation", operation);
        return span;
    }

    protected abstract Task<DbConnection> OpenReadCoreAsync(CancellationToken ct);

    protected abstract Task<T> WriteCoreAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct);

    private async Task<DbConnection> TimedOpenReadAsync(long start, Activity? span, string operation, CancellationToken ct)
    {
        try
        {
            var connection = await OpenReadCoreAsync(ct).ConfigureAwait(false);
            connection.StateChange += new ReadTiming(start, span, Backend, operation).OnStateChange;
            return connection;
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            span?.Dispose();
            throw;
        }
    }

    private async Task<T> TimedWriteAsync<T>(Task<T> written, long start, Activity? span, string operation)
    {
        try { return await written.ConfigureAwait(false); }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            if (start != 0) RecordStore(start, Backend, "write", operation);
            span?.Dispose();
        }
    }

    private static void RecordStore(long start, string backend, string kind, string operation) =>
        Stages.Store.Record(Stages.ElapsedMs(start), new("backend", backend), new("kind", kind), new("operation", operation));

    /// <summary>Records a read (and ends its span) when its connection closes (dispose closes it); only created while timed or traced.</summary>
    private sealed class ReadTiming(long start, Activity? span, string backend, string operation)
    {
        private int _recorded;

        public void OnStateChange(object sender, StateChangeEventArgs e)
        {
            if (e.CurrentState != ConnectionState.Closed || Interlocked.Exchange(ref _recorded, 1) != 0) return;
            ((DbConnection)sender).StateChange -= OnStateChange;
            if (start != 0) RecordStore(start, backend, "read", operation);
            span?.Dispose();
        }
    }

    /// <summary>Inserts points, skipping ones identical to stored points; returns those inserted.</summary>
    public abstract Task<IReadOnlyList<SequencedMetric>> InsertMetricsAsync(DbConnection connection, DbTransaction transaction,
        string runId, IReadOnlyList<SequencedMetric> metrics, CancellationToken ct);

    /// <summary>Whether <paramref name="exception"/> is this backend's unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Case-insensitive LIKE in this dialect.</summary>
    public abstract string ILike(string left, string right);

    /// <summary>
    /// The join that reaches run <c>r</c> of each row of <paramref name="rowAlias"/> by the run's key, the rows driving the
    /// loop in the order they are read (a metric walk that a LIMIT ends early). SQLite's CROSS JOIN pins that order (its
    /// planner cannot weigh the LIMIT). PostgreSQL costs the LIMIT itself, but before its first ANALYZE of fresh tables it
    /// estimates one row everywhere and joined each walked row to a scan of the runs (100 ms instead of 2 for 1,000 runs):
    /// a LATERAL subquery that cannot be flattened (OFFSET 0) leaves it nothing but the primary key.
    /// </summary>
    public abstract string JoinRunOfEachRow(string rowAlias);

    /// <summary>
    /// The settings that decide whether a commit survives a crash or a power loss, by name, as the backend reports them to
    /// the connections the catalog uses (null: the backend would not say). Judged at start by the silo.
    /// </summary>
    public abstract Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct);

    /// <summary>True when a read connection opens and answers.</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command("SELECT 1");
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    public abstract ValueTask DisposeAsync();
}
