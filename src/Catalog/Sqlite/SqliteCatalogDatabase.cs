using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using MlOps.Orleans.Catalog.Migrations;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.Sqlite;

/// <summary>
/// The embedded catalog: one SQLite file in WAL mode, fsync on every commit. Every store of the file writes through the
/// one <see cref="SqliteWriter"/> (one write connection, one group commit); reads open pooled connections of their own.
/// </summary>
public sealed class SqliteCatalogDatabase : CatalogDatabase
{
    private readonly SqliteWriter _writer;

    private SqliteCatalogDatabase(SqliteWriter writer)
    {
        _writer = writer;
    }

    /// <summary>Opens (creating if needed) the catalog file and applies pending migrations.</summary>
    public static async Task<SqliteCatalogDatabase> OpenAsync(string path, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        var writer = await SqliteWriter.StartAsync(cs, ct).ConfigureAwait(false);
        var database = new SqliteCatalogDatabase(writer);
        await database.MigrateAsync(ct).ConfigureAwait(false);
        return database;
    }

    /// <summary>Applies pending migrations; BEGIN IMMEDIATE takes the file's write lock, so two processes cannot race.</summary>
    private Task MigrateAsync(CancellationToken ct) => _writer.EnqueueAsync(async (c, tx, token) =>
    {
        await c.ExecAsync(tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)", token).ConfigureAwait(false);
        var applied = new HashSet<long>();
        await using (var command = c.Command("SELECT version FROM schema_migrations", tx))
        await using (var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(token).ConfigureAwait(false)) applied.Add(reader.GetInt64(0));
        }
        foreach (var m in Migration.Load("Sqlite").Where(m => !applied.Contains(m.Version)))
        {
            await c.ExecAsync(tx, m.Sql, token).ConfigureAwait(false);
            await c.ExecAsync(tx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", token,
                ("@v", m.Version), ("@n", m.Name), ("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        return 0;
    }, ct);

    public override string Backend => SqliteWriter.BackendName;

    protected override async Task<DbConnection> OpenReadCoreAsync(CancellationToken ct) =>
        await _writer.OpenReadAsync(ct).ConfigureAwait(false);

    protected override Task<T> WriteCoreAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) =>
        _writer.EnqueueAsync(work, ct);

    // Bulk point inserts bypass ADO.NET's per-call overhead (parameter objects, type conversion, reader setup) and bind
    // through SQLite's C API on the same connection and transaction: the ingest path's dominant cost.
    public override Task<IReadOnlyList<SequencedMetric>> InsertMetricsAsync(DbConnection connection, DbTransaction transaction,
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

    // The writer's own connection: it makes every commit, and synchronous is a per-connection setting.
    public override Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct) =>
        _writer.ReadDurabilitySettingsAsync(ct);

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    public override string ILike(string left, string right) => $"lower({left}) LIKE lower({right})";

    public override string JoinRunOfEachRow(string rowAlias) => $"CROSS JOIN runs r ON r.run_id = {rowAlias}.run_id";

    public override ValueTask DisposeAsync() => _writer.DisposeAsync();
}
