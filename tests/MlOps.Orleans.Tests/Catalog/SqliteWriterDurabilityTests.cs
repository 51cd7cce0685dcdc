using Microsoft.Data.Sqlite;
using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// The catalog's one write connection commits in WAL mode with synchronous=FULL: under WAL, NORMAL would acknowledge commits
/// that a power loss can take back. Read on that connection itself, since synchronous is a per-connection setting.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SqliteWriterDurabilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-sqlite-writer-").FullName;

    [Fact]
    public async Task The_writer_connection_reports_wal_and_synchronous_full()
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = Path.Join(_folder, "catalog.db"), Pooling = false }.ToString();
        await using var writer = await SqliteWriter.StartAsync(cs, default);

        var settings = await writer.ReadDurabilitySettingsAsync(default);

        Assert.Equal("wal", settings[SqliteWriter.JournalModeSetting]);
        Assert.Equal("full", settings[SqliteWriter.SynchronousSetting]);
    }

    /// <summary>
    /// Readers that always overlap keep a PASSIVE checkpoint from ever restarting the WAL, which then grew without bound;
    /// past the writer's frame limit the checkpoint waits them out and empties the file. 24 MiB of commits against a 64-frame
    /// (256 KiB) limit: the file must stay under 6 MiB, and every row must still be there.
    /// </summary>
    [Fact]
    public async Task Overlapping_readers_do_not_let_the_wal_grow_without_bound()
    {
        var path = Path.Join(_folder, "wal.db");
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        await using var writer = await SqliteWriter.StartAsync(cs, default, maxWalFrames: 64, checkpointPeriod: TimeSpan.FromMilliseconds(100));
        await writer.EnqueueAsync(async (c, tx, ct) => await c.ExecAsync(tx, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)", ct), default);

        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            // Each reader holds a read snapshot a few milliseconds, staggered, so some reader is in the WAL at every instant.
            while (!stop.IsCancellationRequested)
            {
                // A statement keeps its snapshot until it is reset, as a search does while its rows are read.
                await using var connection = await writer.OpenReadAsync(default);
                await using var ids = connection.CreateCommand();
                ids.CommandText = "SELECT id FROM blobs";
                await using var rows = await ids.ExecuteReaderAsync();
                await rows.ReadAsync();
                await Task.Delay(3 + r);
            }
        })).ToList();

        // 24 MiB of 16 KiB commits a millisecond or so apart, checkpointed every 100 ms.
        long largest = 0, commits = 0;
        var body = new byte[16384];
        while (commits * body.Length < 24L * 1024 * 1024)
        {
            await writer.EnqueueAsync(async (c, tx, ct) => await c.ExecAsync(tx, "INSERT INTO blobs (body) VALUES (@b)", ct, ("@b", body)), default);
            commits++;
            largest = Math.Max(largest, new FileInfo(path + "-wal").Length);
            await Task.Delay(1);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        // Without the limit the file holds every commit's frames; with it, the limit plus a period or two of commits.
        Assert.True(largest < 6 * 1024 * 1024, $"the WAL reached {largest / 1024} KiB over {commits} commits with a 256 KiB limit");
        await using var check = new SqliteConnection(cs);
        await check.OpenAsync();
        await using var rows = check.CreateCommand();
        rows.CommandText = "SELECT COUNT(*) FROM blobs";
        Assert.Equal(commits, (long)(await rows.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// A freshly filled table had no planner statistics until the first analysis a minute in, and some searches took
    /// 115 ms instead of 7 meanwhile; the checkpoint loop now analyzes every fifth tick (here 500 ms).
    /// </summary>
    [Fact]
    public async Task Planner_statistics_appear_within_a_few_checkpoint_periods_of_a_table_filling()
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = Path.Join(_folder, "stats.db"), Pooling = false }.ToString();
        await using var writer = await SqliteWriter.StartAsync(cs, default, checkpointPeriod: TimeSpan.FromMilliseconds(100));
        await writer.EnqueueAsync(async (c, tx, ct) =>
        {
            await c.ExecAsync(tx, "CREATE TABLE points (id INTEGER PRIMARY KEY, key TEXT NOT NULL, value REAL NOT NULL)", ct);
            await c.ExecAsync(tx, "CREATE INDEX ix_points_key ON points (key, value)", ct);
            await c.ExecAsync(tx, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) " +
                "INSERT INTO points (key, value) SELECT 'k' || (i % 3), i * 0.5 FROM n", ct);
            return 0;
        }, default);

        var deadline = DateTime.UtcNow.AddSeconds(3);
        string? stat = null;
        while (stat is null && DateTime.UtcNow < deadline)
        {
            await using var connection = await writer.OpenReadAsync(default);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_points_key'";
            try { stat = (string?)await command.ExecuteScalarAsync(); }
            catch (SqliteException) { /* no sqlite_stat1 yet */ }
            if (stat is null) await Task.Delay(50);
        }
        Assert.NotNull(stat);
        Assert.StartsWith("5000 ", stat);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
