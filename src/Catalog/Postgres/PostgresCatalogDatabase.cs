using System.Data.Common;
using MlOps.Orleans.Catalog.Migrations;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Contracts.Tracking;
using Npgsql;
using NpgsqlTypes;

namespace MlOps.Orleans.Catalog.Postgres;

/// <summary>The cluster catalog on PostgreSQL; every silo shares it. Commits are durable with PostgreSQL's defaults.</summary>
public sealed class PostgresCatalogDatabase : CatalogDatabase
{
    /// <summary>
    /// The advisory lock that serializes schema changes across silos (catalog migrations, and the Orleans schema in Hosting uses the same key).
    /// Any constant works; it only has to be the same for every silo running migrations.
    /// </summary>
    public const long MigrationLockKey = 0x6D6C6F7073;
    public const string FsyncSetting = "fsync";
    public const string SynchronousCommitSetting = "synchronous_commit";
    private static readonly string[] DurabilitySettings = [FsyncSetting, SynchronousCommitSetting];
    /// <summary>Writers committing at once: a group's statements run one after another on one connection, so a second lane
    /// keeps a long write (a 1,000-point batch) from holding every short one behind it; more lanes would split groups.</summary>
    public const int DefaultWriteLanes = 2;
    private const int MaxGroup = 256;
    private readonly NpgsqlDataSource _dataSource;
    private readonly WriteQueue _writes;

    private PostgresCatalogDatabase(NpgsqlDataSource dataSource, int writeLanes)
    {
        _dataSource = dataSource;
        _writes = new WriteQueue(Backend, writeLanes, MaxGroup, CommitGroupAsync);
    }

    /// <summary>Connects and applies pending migrations (serialized across silos by an advisory lock).</summary>
    public static Task<PostgresCatalogDatabase> OpenAsync(string connectionString, CancellationToken ct = default) =>
        OpenAsync(connectionString, DefaultWriteLanes, ct);

    /// <summary>As <see cref="OpenAsync(string, CancellationToken)"/>, with <paramref name="writeLanes"/> concurrent group commits.</summary>
    public static async Task<PostgresCatalogDatabase> OpenAsync(string connectionString, int writeLanes, CancellationToken ct = default)
    {
        var dataSource = NpgsqlDataSource.Create(WithPoolDefaults(connectionString));
        var database = new PostgresCatalogDatabase(dataSource, writeLanes);
        await database.MigrateAsync(ct).ConfigureAwait(false);
        return database;
    }

    /// <summary>
    /// Npgsql prepares none of our statements unless told to; the catalog sends the same few statements for every write, so
    /// letting it prepare those used twice saves PostgreSQL a parse and a plan per statement. A connection string that sets
    /// <c>Max Auto Prepare</c> itself (0 turns it off) is left as it is. The catalog also keeps no session state (its advisory
    /// locks are transaction-scoped; no temp tables, LISTEN or SET), so the reset Npgsql sends when a connection goes back
    /// to the pool is a round trip per catalog call for nothing: it is turned off unless the string sets No Reset On Close.
    /// </summary>
    private static string WithPoolDefaults(string connectionString)
    {
        // The plain builder holds only the keys the string has (Npgsql's reports every known key as present).
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    private async Task MigrateAsync(CancellationToken ct)
    {
        await using var c = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(tx, "SELECT pg_advisory_xact_lock(@k)", ct, ("@k", MigrationLockKey)).ConfigureAwait(false);
        await c.ExecAsync(tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)", ct).ConfigureAwait(false);
        var applied = new HashSet<int>();
        await using (var command = c.Command("SELECT version FROM schema_migrations", tx))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) applied.Add(reader.GetInt32(0));
        }
        foreach (var m in Migration.Load("Postgres").Where(m => !applied.Contains(m.Version)))
        {
            await c.ExecAsync(tx, m.Sql, ct).ConfigureAwait(false);
            await c.ExecAsync(tx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", ct,
                ("@v", m.Version), ("@n", m.Name), ("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public override string Backend => "postgres";

    protected override async Task<DbConnection> OpenReadCoreAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    protected override Task<T> WriteCoreAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) =>
        _writes.EnqueueAsync(work, ct);

    /// <summary>
    /// Commits a group of writes in one transaction (see <see cref="WriteQueue"/>). Grouping holds row locks longer and
    /// over more rows, so two groups (two lanes, or two silos) can deadlock where their writes alone would not: a group
    /// PostgreSQL aborts as a deadlock or a serialization failure is run again one write per transaction.
    /// </summary>
    private async Task CommitGroupAsync(List<QueuedWrite> group)
    {
        try
        {
            await CommitAsync(group).ConfigureAwait(false);
            foreach (var item in group) item.Complete();
        }
        catch (PostgresException e) when (group.Count > 1 && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            foreach (var item in group)
            {
                item.Reset();
                try
                {
                    await CommitAsync([item]).ConfigureAwait(false);
                    item.Complete();
                }
                catch (Exception alone) { item.Fail(alone); }
            }
        }
        catch (Exception e)
        {
            foreach (var item in group) item.Fail(e);
        }
    }

    /// <summary>
    /// One transaction for the group; throws when it did not commit (nothing of it is stored then). The writes first run
    /// without savepoints; if one fails, that attempt is rolled back and the group runs again with a savepoint per write.
    /// </summary>
    private async Task CommitAsync(List<QueuedWrite> group)
    {
        await using var c = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        var tx = await c.BeginTransactionAsync().ConfigureAwait(false);
        try
        {
            // A write alone needs no savepoint either: its failure rolls the transaction back.
            var ok = await WriteQueue.TryRunGroupWithoutSavepointsAsync(group, c, tx).ConfigureAwait(false);
            if (!ok && group.Count > 1)
            {
                await tx.RollbackAsync().ConfigureAwait(false);
                await tx.DisposeAsync().ConfigureAwait(false);
                foreach (var item in group) item.Reset();
                tx = await c.BeginTransactionAsync().ConfigureAwait(false);
                ok = await WriteQueue.RunGroupAsync(group, c, tx).ConfigureAwait(false);
            }
            if (ok) await CommitTimedAsync(tx, group.Count).ConfigureAwait(false);
            else await tx.RollbackAsync().ConfigureAwait(false);
        }
        finally
        {
            await tx.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task CommitTimedAsync(DbTransaction tx, int writes)
    {
        var start = Stages.Start(Stages.Commit);
        await tx.CommitAsync().ConfigureAwait(false);
        if (start != 0) Stages.Commit.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("backend", Backend));
        CatalogMetrics.RecordCommit(Backend, writes);
    }

    // One statement for the whole batch: arrays in, the sequence numbers actually inserted out.
    public override async Task<IReadOnlyList<SequencedMetric>> InsertMetricsAsync(DbConnection connection, DbTransaction transaction,
        string runId, IReadOnlyList<SequencedMetric> metrics, CancellationToken ct)
    {
        var n = metrics.Count;
        var seqs = new long[n];
        var keys = new string[n];
        var steps = new long[n];
        var stamps = new long[n];
        var bits = new long[n];
        for (var i = 0; i < n; i++)
        {
            seqs[i] = metrics[i].Sequence;
            keys[i] = metrics[i].Point.Key;
            steps[i] = metrics[i].Point.Step;
            stamps[i] = metrics[i].Point.Timestamp;
            bits[i] = BitConverter.DoubleToInt64Bits(metrics[i].Point.Value);
        }
        await using var command = (NpgsqlCommand)connection.Command(
            "INSERT INTO metrics (workspace, run_id, seq, key, step, timestamp, value_bits) " +
            "SELECT @w, @r, * FROM unnest(@s, @k, @st, @t, @b) " +
            "ON CONFLICT (run_id, key, step, timestamp, value_bits) DO NOTHING RETURNING seq", transaction);
        command.Parameters.AddWithValue("@w", Workspace);
        command.Parameters.AddWithValue("@r", runId);
        command.Parameters.AddWithValue("@s", NpgsqlDbType.Array | NpgsqlDbType.Bigint, seqs);
        command.Parameters.AddWithValue("@k", NpgsqlDbType.Array | NpgsqlDbType.Text, keys);
        command.Parameters.AddWithValue("@st", NpgsqlDbType.Array | NpgsqlDbType.Bigint, steps);
        command.Parameters.AddWithValue("@t", NpgsqlDbType.Array | NpgsqlDbType.Bigint, stamps);
        command.Parameters.AddWithValue("@b", NpgsqlDbType.Array | NpgsqlDbType.Bigint, bits);
        var inserted = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) inserted.Add(reader.GetInt64(0));
        }
        return inserted.Count == n ? metrics : metrics.Where(m => inserted.Contains(m.Sequence)).ToList();
    }

    /// <summary>
    /// <c>fsync</c> and <c>synchronous_commit</c> on a connection of the catalog's own pool, so a per-database or per-role
    /// <c>ALTER ... SET synchronous_commit</c> shows as the catalog's sessions see it.
    /// </summary>
    public override async Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct)
    {
        await using var c = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in DurabilitySettings)
        {
            // SHOW takes no parameters; the names are our constants.
            await using var command = c.Command($"SHOW {name}");
            settings[name] = Convert.ToString(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        return settings;
    }

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override string ILike(string left, string right) => $"{left} ILIKE {right}";

    public override string JoinRunOfEachRow(string rowAlias) => $"CROSS JOIN LATERAL (SELECT * FROM runs WHERE run_id = {rowAlias}.run_id OFFSET 0) r";

    public override async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
