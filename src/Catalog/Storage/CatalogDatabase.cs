using System.Data.Common;
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

    /// <summary>An open connection for reads; the caller disposes it.</summary>
    public abstract Task<DbConnection> OpenReadAsync(CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in a transaction that is durably committed before the task completes.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct);

    /// <summary>Inserts points, skipping ones identical to stored points; returns those inserted.</summary>
    public abstract Task<IReadOnlyList<SequencedMetric>> InsertMetricsAsync(DbConnection connection, DbTransaction transaction,
        string runId, IReadOnlyList<SequencedMetric> metrics, CancellationToken ct);

    /// <summary>Whether <paramref name="exception"/> is this backend's unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Case-insensitive LIKE in this dialect.</summary>
    public abstract string ILike(string left, string right);

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
