using System.Globalization;
using Microsoft.Data.Sqlite;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The one write connection of <see cref="SqliteOnlineStore"/> and its prepared statements. Not thread-safe: the store
/// calls it under its write lock. Each method is one transaction, committed (and fsynced: synchronous=FULL) before it
/// returns.
/// </summary>
internal sealed class SqliteOnlineWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _ensure;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _touch;
    private readonly SqliteCommand _drop;
    private readonly SqliteCommand _queueDrop;

    public SqliteOnlineWriter(string path, TimeSpan busyTimeout)
    {
        _connection = SqliteSchema.Open(path, busyTimeout);
        SqliteSchema.EnsureCreated(_connection);
        // The no-op update makes RETURNING answer for an existing row as well as a new one.
        _ensure = Prepare("""
            INSERT INTO online_views(view, version) VALUES($view, $version)
            ON CONFLICT(view, version) DO UPDATE SET version = excluded.version RETURNING gen
            """, ("$view", SqliteType.Text), ("$version", SqliteType.Integer));
        // Newest-wins in the statement itself: the update only happens when the new (event, created) is not older.
        _upsert = Prepare("""
            INSERT INTO online_rows(gen, entity, event_ticks, created_ticks, expires_ms, value)
            VALUES($gen, $entity, $event, $created, $expires, $value)
            ON CONFLICT(gen, entity) DO UPDATE SET event_ticks = excluded.event_ticks, created_ticks = excluded.created_ticks,
                expires_ms = excluded.expires_ms, value = excluded.value
            WHERE (excluded.event_ticks, excluded.created_ticks) >= (online_rows.event_ticks, online_rows.created_ticks)
            """, ("$gen", SqliteType.Integer), ("$entity", SqliteType.Text), ("$event", SqliteType.Integer),
            ("$created", SqliteType.Integer), ("$expires", SqliteType.Integer), ("$value", SqliteType.Blob));
        _touch = Prepare("""
            UPDATE online_views SET max_expiry_ms =
                CASE WHEN max_expiry_ms = -1 OR $expiry = -1 THEN -1 ELSE max(coalesce(max_expiry_ms, 0), $expiry) END
            WHERE gen = $gen
            """, ("$expiry", SqliteType.Integer), ("$gen", SqliteType.Integer));
        _drop = Prepare("DELETE FROM online_views WHERE view = $view AND version = $version RETURNING gen",
            ("$view", SqliteType.Text), ("$version", SqliteType.Integer));
        _queueDrop = Prepare("INSERT OR IGNORE INTO online_dropped(gen) VALUES($gen)", ("$gen", SqliteType.Integer));
    }

    public int Write(OnlineViewKey view, PreparedWrite write)
    {
        using var transaction = _connection.BeginTransaction();
        Enlist(transaction, _ensure, _upsert, _touch);
        _ensure.Parameters[0].Value = view.View;
        _ensure.Parameters[1].Value = view.Version;
        var generation = (long)_ensure.ExecuteScalar()!;
        var applied = 0;
        _upsert.Parameters[0].Value = generation;
        foreach (var row in write.Rows)
        {
            _upsert.Parameters[1].Value = row.EntityKey;
            _upsert.Parameters[2].Value = row.EventTicks;
            _upsert.Parameters[3].Value = row.CreatedTicks;
            _upsert.Parameters[4].Value = row.ExpiresAtMs;
            _upsert.Parameters[5].Value = row.Value;
            applied += _upsert.ExecuteNonQuery();
        }
        _touch.Parameters[0].Value = write.MaxExpiresAtMs == PreparedRow.Never ? -1 : write.MaxExpiresAtMs;
        _touch.Parameters[1].Value = generation;
        _touch.ExecuteNonQuery();
        transaction.Commit();
        return applied;
    }

    public void Drop(OnlineViewKey view)
    {
        using var transaction = _connection.BeginTransaction();
        Enlist(transaction, _drop, _queueDrop);
        _drop.Parameters[0].Value = view.View;
        _drop.Parameters[1].Value = view.Version;
        if (_drop.ExecuteScalar() is long generation)
        {
            _queueDrop.Parameters[0].Value = generation;
            _queueDrop.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>
    /// Deletes at most <paramref name="batch"/> rows of one dropped generation, else at most that many expired rows, in one
    /// short transaction (a sweep never holds the write lock for long).
    /// </summary>
    public OnlineSweepResult SweepStep(long nowMs, int batch)
    {
        using var transaction = _connection.BeginTransaction();
        using var next = Command(transaction, "SELECT gen FROM online_dropped ORDER BY gen LIMIT 1");
        var deleted = 0;
        var pending = 0;
        if (next.ExecuteScalar() is long generation)
        {
            using var delete = Command(transaction,
                "DELETE FROM online_rows WHERE gen = $gen AND entity IN (SELECT entity FROM online_rows WHERE gen = $gen LIMIT $n)");
            delete.Parameters.AddWithValue("$gen", generation);
            delete.Parameters.AddWithValue("$n", batch);
            deleted = delete.ExecuteNonQuery();
            if (deleted < batch)
            {
                using var done = Command(transaction, "DELETE FROM online_dropped WHERE gen = $gen");
                done.Parameters.AddWithValue("$gen", generation);
                done.ExecuteNonQuery();
            }
        }
        else
        {
            using var expired = Command(transaction, """
                DELETE FROM online_rows WHERE (gen, entity) IN
                    (SELECT gen, entity FROM online_rows WHERE expires_ms <= $now ORDER BY expires_ms LIMIT $n)
                """);
            expired.Parameters.AddWithValue("$now", nowMs);
            expired.Parameters.AddWithValue("$n", batch);
            deleted = expired.ExecuteNonQuery();
            if (deleted == batch) pending++;
        }
        using var left = Command(transaction, "SELECT count(*) FROM online_dropped");
        pending += (int)(long)left.ExecuteScalar()!;
        transaction.Commit();
        return new OnlineSweepResult(deleted, pending);
    }

    public OnlineStoreStatus Status(long nowMs, string path)
    {
        using var transaction = _connection.BeginTransaction(deferred: true);
        using var views = Command(transaction, "SELECT count(*) FROM online_views");
        var live = (int)(long)views.ExecuteScalar()!;
        using var data = Command(transaction, """
            SELECT EXISTS(SELECT 1 FROM online_views v
                WHERE EXISTS(SELECT 1 FROM online_rows r WHERE r.gen = v.gen AND r.expires_ms > $now))
            """);
        data.Parameters.AddWithValue("$now", nowMs);
        var hasData = (long)data.ExecuteScalar()! == 1;
        transaction.Commit();
        return new OnlineStoreStatus(true, hasData, live,
            $"sqlite {path}: {live} view version(s), {(hasData ? "holding data" : "empty")}");
    }

    /// <summary><c>journal_mode</c> and <c>synchronous</c> of this connection, the one that commits every write.</summary>
    public IReadOnlyDictionary<string, string?> DurabilitySettings()
    {
        using var journal = _connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        using var synchronous = _connection.CreateCommand();
        synchronous.CommandText = "PRAGMA synchronous";
        var level = Convert.ToInt64(synchronous.ExecuteScalar(), CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["journal_mode"] = Convert.ToString(journal.ExecuteScalar(), CultureInfo.InvariantCulture)?.ToLowerInvariant(),
            ["synchronous"] = level switch { 0 => "off", 1 => "normal", 2 => "full", 3 => "extra", _ => level.ToString(CultureInfo.InvariantCulture) },
        };
    }

    public void Dispose()
    {
        foreach (var command in new[] { _ensure, _upsert, _touch, _drop, _queueDrop }) command.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Enlist(SqliteTransaction transaction, params SqliteCommand[] commands)
    {
        foreach (var command in commands) command.Transaction = transaction;
    }
}
