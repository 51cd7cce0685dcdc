using Microsoft.Data.Sqlite;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Online.Store.OnlineTestViews;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>What only the embedded store has to show: its file settings, expiry on read, and the sweep.</summary>
[Trait("Category", Category.Unit)]
public sealed class SqliteOnlineStoreTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-online-sqlite-").FullName;

    [Fact]
    public async Task The_file_is_in_wal_mode_and_keeps_rows_across_reopen()
    {
        var view = Floats("reopen", 2);
        await using (var store = SqliteOnlineStore.Open(Options()))
        {
            await store.WriteAsync(view, [Entry(Driver(1), FloatRow(Now, 1, 2))], default);
        }
        await using var reopened = SqliteOnlineStore.Open(Options());

        Assert.Equal(1.0, (await reopened.ReadAsync([view], [Driver(1)], default))[0][0]!.Values[0]);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "online.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task Rows_past_ttl_and_grace_vanish_on_read_and_the_sweep_deletes_them()
    {
        var clock = new ManualClock(Now);
        var options = Options();
        options.SweepBatch = 3;
        var view = Floats("expiry", 1, ttl: TimeSpan.FromMinutes(10));
        await using var store = SqliteOnlineStore.Open(options, time: clock);
        var entities = Enumerable.Range(0, 7).Select(i => Driver(i)).ToList();
        await store.WriteAsync(view, entities.Select(e => Entry(e, FloatRow(Now, 1, 1))).ToList(), default);

        clock.Advance(TimeSpan.FromMinutes(10) + Grace - TimeSpan.FromSeconds(30));
        Assert.All((await store.ReadAsync([view], entities, default))[0], Assert.NotNull);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.All((await store.ReadAsync([view], entities, default))[0], Assert.Null);
        Assert.False((await store.StatusAsync(default)).HasData);

        var deleted = 0;
        for (var step = 0; step < 10 && deleted < 7; step++) deleted += (await store.SweepAsync(default)).KeysDeleted;
        Assert.Equal(7, deleted);
        Assert.Equal(new OnlineSweepResult(0, 0), await store.SweepAsync(default));
    }

    [Fact]
    public async Task The_sweep_deletes_a_dropped_view_in_bounded_steps()
    {
        var options = Options();
        options.SweepBatch = 4;
        var dropped = Floats("dropped", 1);
        var kept = Floats("kept", 1);
        await using var store = SqliteOnlineStore.Open(options);
        var entities = Enumerable.Range(0, 10).Select(i => Driver(i)).ToList();
        await store.WriteAsync(dropped, entities.Select(e => Entry(e, FloatRow(Now, 1, 1))).ToList(), default);
        await store.WriteAsync(kept, entities.Select(e => Entry(e, FloatRow(Now, 1, 1))).ToList(), default);
        await store.DropViewAsync(dropped.Key, default);

        Assert.Equal(new OnlineSweepResult(4, 1), await store.SweepAsync(default));
        Assert.Equal(new OnlineSweepResult(4, 1), await store.SweepAsync(default));
        Assert.Equal(new OnlineSweepResult(2, 0), await store.SweepAsync(default));
        Assert.All((await store.ReadAsync([kept], entities, default))[0], Assert.NotNull);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private OnlineStoreOptions Options() => new() { SqliteFolder = _folder, ExpiryGrace = Grace, SweepInterval = null };
}
