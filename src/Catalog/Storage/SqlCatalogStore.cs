using MlOps.Orleans.Catalog.Tracking;
using System.Data.Common;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog;

/// <summary>
/// The tracking catalog over any SQL backend that speaks the shared dialect (SQLite 3.35+, PostgreSQL 12+).
/// Backends supply connections, the write path and the few statements that differ.
/// </summary>
public abstract partial class SqlCatalogStore : ITrackingStore
{
    protected const string Workspace = "default";

    protected abstract Task<DbConnection> OpenReadAsync(CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in a transaction that is durably committed before the task completes.</summary>
    protected abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct);

    /// <summary>Inserts points, skipping ones identical to stored points; returns those inserted.</summary>
    protected abstract Task<IReadOnlyList<SequencedMetric>> InsertMetricsAsync(DbConnection connection, DbTransaction transaction,
        string runId, IReadOnlyList<SequencedMetric> metrics, CancellationToken ct);

    protected abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Case-insensitive LIKE in this dialect.</summary>
    protected abstract string ILike(string left, string right);

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command("SELECT 1");
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Creates the <c>Default</c> experiment 0 that MLflow clients expect; a no-op when it exists.</summary>
    public Task EnsureDefaultExperimentAsync(CancellationToken ct = default)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return WriteAsync(async (c, tx, token) => await c.ExecAsync(tx,
            "INSERT INTO experiments (workspace, experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) " +
            "VALUES (@w, 0, 'Default', 'mlflow-artifacts:/0', 1, @now, @now) ON CONFLICT DO NOTHING", token,
            ("@w", Workspace), ("@now", now)).ConfigureAwait(false), ct);
    }

    protected static long ParseId(string id) => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture);

    protected static string IdText(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // NaN cannot be stored in SQLite's REAL, and PostgreSQL would sort it above every number: both store NULL.
    protected static object? SearchableValue(double value) => double.IsNaN(value) ? null : value;
}
