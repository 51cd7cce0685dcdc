using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Sqlite;

/// <summary>The embedded catalog: one SQLite file in WAL mode, fsync on every commit, writes group-committed.</summary>
public sealed class SqliteCatalogStore : SqlCatalogStore, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SqliteWriter _writer;

    private SqliteCatalogStore(string connectionString, SqliteWriter writer)
    {
        _connectionString = connectionString;
        _writer = writer;
    }

    /// <summary>Opens (creating if needed) the catalog file, applies pending migrations and ensures experiment 0.</summary>
    public static async Task<SqliteCatalogStore> OpenAsync(string path, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        var writer = await SqliteWriter.StartAsync(cs, ct).ConfigureAwait(false);
        await writer.MigrateAsync(ct).ConfigureAwait(false);
        var store = new SqliteCatalogStore(cs, writer);
        await store.EnsureDefaultExperimentAsync(ct).ConfigureAwait(false);
        return store;
    }

    protected override async Task<DbConnection> OpenReadAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await SqliteWriter.ConfigureAsync(connection, ct).ConfigureAwait(false);
        return connection;
    }

    protected override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) =>
        _writer.EnqueueAsync(work, ct);

    // Bulk point inserts bypass ADO.NET's per-call overhead (parameter objects, type conversion, reader setup) and bind
    // through SQLite's C API on the same connection and transaction: the ingest path's dominant cost.
    protected override Task<IReadOnlyList<SequencedMetric>> InsertMetricsAsync(DbConnection connection, DbTransaction transaction,
        string runId, IReadOnlyList<SequencedMetric> metrics, CancellationToken ct)
    {
        var db = ((SqliteConnection)connection).Handle!;
        var rc = raw.sqlite3_prepare_v2(db,
            "INSERT INTO metrics (workspace, run_id, seq, key, step, timestamp, value_bits) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) " +
            "ON CONFLICT (run_id, key, step, timestamp, value_bits) DO NOTHING", out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        try
        {
            raw.sqlite3_bind_text(statement, 1, Workspace);
            raw.sqlite3_bind_text(statement, 2, runId);
            var inserted = new List<SequencedMetric>(metrics.Count);
            foreach (var m in metrics)
            {
                raw.sqlite3_bind_int64(statement, 3, m.Sequence);
                raw.sqlite3_bind_text(statement, 4, m.Point.Key);
                raw.sqlite3_bind_int64(statement, 5, m.Point.Step);
                raw.sqlite3_bind_int64(statement, 6, m.Point.Timestamp);
                raw.sqlite3_bind_int64(statement, 7, BitConverter.DoubleToInt64Bits(m.Point.Value));
                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
                // One row changed means stored; zero means an identical point was already there (a retry).
                if (raw.sqlite3_changes(db) == 1) inserted.Add(m);
                raw.sqlite3_reset(statement);
            }
            return Task.FromResult<IReadOnlyList<SequencedMetric>>(inserted.Count == metrics.Count ? metrics : inserted);
        }
        finally
        {
            raw.sqlite3_finalize(statement);
        }
    }

    protected override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    protected override string ILike(string left, string right) => $"lower({left}) LIKE lower({right})";

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
