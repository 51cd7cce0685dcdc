using System.Data.Common;
using Microsoft.Data.Sqlite;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Tracking;

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

    protected override async Task<IReadOnlyList<SequencedMetric>> InsertMetricsAsync(DbConnection connection, DbTransaction transaction,
        string runId, IReadOnlyList<SequencedMetric> metrics, CancellationToken ct)
    {
        await using var command = connection.Command(
            "INSERT INTO metrics (workspace, run_id, seq, key, step, timestamp, value_bits) VALUES (@w, @r, @s, @k, @st, @t, @b) " +
            "ON CONFLICT (run_id, key, step, timestamp, value_bits) DO NOTHING", transaction);
        command.With(("@w", Workspace), ("@r", runId));
        var seq = command.CreateParameter(); seq.ParameterName = "@s"; command.Parameters.Add(seq);
        var key = command.CreateParameter(); key.ParameterName = "@k"; command.Parameters.Add(key);
        var step = command.CreateParameter(); step.ParameterName = "@st"; command.Parameters.Add(step);
        var ts = command.CreateParameter(); ts.ParameterName = "@t"; command.Parameters.Add(ts);
        var bits = command.CreateParameter(); bits.ParameterName = "@b"; command.Parameters.Add(bits);
        await command.PrepareAsync(ct).ConfigureAwait(false);
        var inserted = new List<SequencedMetric>(metrics.Count);
        foreach (var m in metrics)
        {
            seq.Value = m.Sequence;
            key.Value = m.Point.Key;
            step.Value = m.Point.Step;
            ts.Value = m.Point.Timestamp;
            bits.Value = BitConverter.DoubleToInt64Bits(m.Point.Value);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1) inserted.Add(m);
        }
        return inserted;
    }

    protected override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    protected override string ILike(string left, string right) => $"lower({left}) LIKE lower({right})";

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
