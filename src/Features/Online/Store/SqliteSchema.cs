using Microsoft.Data.Sqlite;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The embedded online store's own SQLite file (not the catalog's: its write rate and its fsync pattern are its own).
/// <list type="bullet">
/// <item><c>online_views</c>: one row per live view version; <c>gen</c> (AUTOINCREMENT, never reused) names its rows, so
/// deleting this row is the whole drop; <c>max_expiry_ms</c> is the latest expiry written (-1 never, null nothing yet).</item>
/// <item><c>online_rows</c>: the newest row per (gen, entity), the encoded row plus the columns newest-wins and expiry
/// compare on (created ticks 0 when absent, expiry <see cref="long.MaxValue"/> without a ttl).</item>
/// <item><c>online_dropped</c>: generations whose rows the sweep still has to delete.</item>
/// </list>
/// </summary>
internal static class SqliteSchema
{
    public const string FileName = "online.db";

    private const int Version = 1;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS online_views(
            gen INTEGER PRIMARY KEY AUTOINCREMENT,
            view TEXT NOT NULL,
            version INTEGER NOT NULL,
            max_expiry_ms INTEGER NULL,
            UNIQUE(view, version));
        CREATE TABLE IF NOT EXISTS online_rows(
            gen INTEGER NOT NULL,
            entity TEXT NOT NULL,
            event_ticks INTEGER NOT NULL,
            created_ticks INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY(gen, entity)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS online_rows_expiry ON online_rows(expires_ms);
        CREATE TABLE IF NOT EXISTS online_dropped(gen INTEGER PRIMARY KEY);
        """;

    /// <summary>Opens a connection with the store's settings: WAL (readers never wait for the writer) and
    /// synchronous=FULL (a commit is fsynced before the write is acknowledged).</summary>
    public static SqliteConnection Open(string path, TimeSpan busyTimeout)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout={(int)busyTimeout.TotalMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static void EnsureCreated(SqliteConnection connection)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
        {
            throw new InvalidOperationException($"the online store file has schema version {version}; this build knows {Version}");
        }
        Execute(connection, Create + $"PRAGMA user_version={Version};");
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
