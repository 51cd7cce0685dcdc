using Microsoft.Data.Sqlite;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>SQLite errors that mean "cannot serve right now" (locked, disk trouble) rather than a bug, as
/// <see cref="OnlineStoreUnavailableException"/>.</summary>
internal static class SqliteFailures
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN (primary result codes).
    private static readonly int[] Unavailable = [5, 6, 10, 13, 14];

    public static bool IsUnavailable(SqliteException e) => Unavailable.Contains(e.SqliteErrorCode & 0xFF);

    public static OnlineStoreUnavailableException Wrap(string path, string what, Exception e) =>
        new($"online store unavailable: SQLite {path} could not complete {what}: {e.Message}", e);
}
