using System.Diagnostics;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Online.Store.OnlineTestViews;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>
/// The Redis backend against a redis-server of this class's own (AOF, appendfsync always), which the tests kill, restart,
/// flush and read command statistics of.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class RedisServerTests(PrivateRedisFixture fixture) : IClassFixture<PrivateRedisFixture>
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Acknowledged_writes_survive_kill_9_and_restart()
    {
        var options = Options("durable");
        var views = new[] { Floats("durable_a", 10), Floats("durable_b", 10, ttl: TimeSpan.FromDays(1)) };
        var entities = Enumerable.Range(0, 300).Select(i => Driver(i)).ToList();
        await using (var store = await RedisOnlineStore.ConnectAsync(options))
        {
            foreach (var view in views)
            {
                Assert.Equal(300, await store.WriteAsync(view, entities.Select((e, i) => Entry(e, FloatRow(Now, i))).ToList(), default));
            }
            // Killed right after the acknowledgement: only what Redis fsynced before answering can come back.
            fixture.Redis.Kill();
        }
        await fixture.Redis.RestartAsync();
        await fixture.WaitForAdminAsync();

        await using var reopened = await RedisOnlineStore.ConnectAsync(options);
        var rows = await reopened.ReadAsync(views, entities, default);
        for (var v = 0; v < views.Length; v++)
        {
            for (var i = 0; i < entities.Count; i++) Assert.Equal((double)i + 9, rows[v][i]!.Values[9]);
        }
        Assert.True((await reopened.StatusAsync(default)).HasData);
    }

    [Fact]
    public async Task Redis_down_fails_fast_with_unavailable_and_the_store_recovers_by_itself()
    {
        var options = Options("down");
        var view = Floats("down", 2);
        await using var store = await RedisOnlineStore.ConnectAsync(options);
        await store.WriteAsync(view, [Entry(Driver(1), FloatRow(Now, 1, 2))], default);

        fixture.Redis.Kill();
        try
        {
            var clock = Stopwatch.StartNew();
            var read = await Assert.ThrowsAsync<OnlineStoreUnavailableException>(() => store.ReadAsync([view], [Driver(1)], default));
            var write = await Assert.ThrowsAsync<OnlineStoreUnavailableException>(() => store.WriteAsync(view, [Entry(Driver(2), FloatRow(Now, 2, 2))], default));
            var drop = await Assert.ThrowsAsync<OnlineStoreUnavailableException>(() => store.DropViewAsync(view.Key, default));
            var status = await store.StatusAsync(default);
            // Three calls and a status check within about one operation timeout: nothing queues waiting for Redis.
            Assert.True(clock.Elapsed < options.OperationTimeout + TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
            Assert.Contains(fixture.Redis.Endpoint, read.Message, StringComparison.Ordinal);
            Assert.NotNull(write.InnerException);
            Assert.NotNull(drop.InnerException);
            Assert.False(status.Reachable);
        }
        finally
        {
            await fixture.Redis.RestartAsync();
        }

        // Polls with a deadline: the store reconnects on its own, without being told.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        OnlineRow?[][] rows;
        while (true)
        {
            try
            {
                rows = await store.ReadAsync([view], [Driver(1)], default);
                break;
            }
            catch (OnlineStoreUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        Assert.Equal(1.0, rows[0][0]!.Values[0]);
        Assert.Equal(1, await store.WriteAsync(view, [Entry(Driver(2), FloatRow(Now, 2, 2))], default));
        await fixture.WaitForAdminAsync();
    }

    [Fact]
    public async Task After_flushall_status_reports_empty_and_a_write_repopulates()
    {
        var options = Options("flush");
        var view = Floats("flush", 1, ttl: TimeSpan.FromHours(1));
        await using var store = await RedisOnlineStore.ConnectAsync(options);
        await store.WriteAsync(view, [Entry(Driver(1), FloatRow(Now, 1, 1))], default);
        Assert.True((await store.StatusAsync(default)).HasData);

        await fixture.Server.FlushAllDatabasesAsync();

        var status = await store.StatusAsync(default);
        Assert.True(status.Reachable);
        Assert.False(status.HasData, status.Detail);
        Assert.Equal(0, status.LiveViews);
        Assert.Null((await store.ReadAsync([view], [Driver(1)], default))[0][0]);
        // The store believed the old generation; it must notice and register the view again on the next write.
        Assert.Equal(1, await store.WriteAsync(view, [Entry(Driver(2), FloatRow(Now, 2, 1))], default));
        Assert.True((await store.StatusAsync(default)).HasData);
        Assert.NotNull((await store.ReadAsync([view], [Driver(2)], default))[0][0]);
    }

    [Fact]
    public async Task A_read_is_one_batch_and_a_drop_runs_no_scan_keys_or_delete()
    {
        var options = Options("stats");
        var views = Enumerable.Range(0, 5).Select(v => Floats($"stats{v}", 10, ttl: TimeSpan.FromDays(1))).ToList();
        var entities = Enumerable.Range(0, 100).Select(i => Driver(i)).ToList();
        await using var store = await RedisOnlineStore.ConnectAsync(options);
        foreach (var view in views) await store.WriteAsync(view, entities.Select(e => Entry(e, FloatRow(Now, 1))).ToList(), default);
        await store.ReadAsync(views, entities, default);

        await fixture.Server.ConfigResetStatisticsAsync();
        await store.ReadAsync(views, entities, default);
        var afterRead = await fixture.CommandCallsAsync();
        await store.DropViewAsync(views[0].Key, default);
        var rows = await store.ReadAsync(views, entities, default);
        var afterDrop = await fixture.CommandCallsAsync();

        // 5 views x 100 entities: one HMGET of the generations and one MGET of 500 keys, nothing else (but our own
        // CONFIG RESETSTAT and INFO).
        Assert.Equal(1, afterRead.GetValueOrDefault("mget"));
        Assert.Equal(1, afterRead.GetValueOrDefault("hmget"));
        Assert.Equal(["hmget", "mget"], afterRead.Keys.Where(k => k is not ("info" or "config|resetstat")).Order(StringComparer.Ordinal));
        Assert.All(rows[0], Assert.Null);
        Assert.All(rows[1], Assert.NotNull);
        foreach (var forbidden in new[] { "scan", "keys", "del", "unlink" }) Assert.False(afterDrop.ContainsKey(forbidden), forbidden);
    }

    [Fact]
    public async Task The_sweep_deletes_a_dropped_view_without_ttl_in_bounded_steps_and_leaves_ttl_views_to_expiry()
    {
        var options = Options("sweep");
        options.SweepBatch = 200;
        var forever = Floats("sweep_forever", 1);
        var expiring = Floats("sweep_ttl", 1, ttl: TimeSpan.FromHours(1));
        var kept = Floats("sweep_kept", 1);
        var entities = Enumerable.Range(0, 1500).Select(i => Driver(i)).ToList();
        await using var store = await RedisOnlineStore.ConnectAsync(options);
        await store.WriteAsync(forever, entities.Select(e => Entry(e, FloatRow(Now, 1, 1))).ToList(), default);
        await store.WriteAsync(expiring, entities.Take(10).Select(e => Entry(e, FloatRow(Now, 1, 1))).ToList(), default);
        await store.WriteAsync(kept, entities.Take(10).Select(e => Entry(e, FloatRow(Now, 1, 1))).ToList(), default);
        await store.DropViewAsync(forever.Key, default);
        await store.DropViewAsync(expiring.Key, default);
        var before = await fixture.Server.DatabaseSizeAsync();

        var steps = 0;
        var deleted = 0;
        OnlineSweepResult step;
        do
        {
            step = await store.SweepAsync(default);
            deleted += step.KeysDeleted;
            Assert.True(++steps < 100, "the sweep does not finish");
        }
        while (step.Pending > 1);

        Assert.Equal(1500, deleted);
        Assert.True(steps > 1, "one step did all the work: not bounded");
        // What is left pending is the ttl view, whose 10 keys expire by themselves.
        Assert.Equal(1, step.Pending);
        Assert.Equal(before - 1500, await fixture.Server.DatabaseSizeAsync());
        Assert.All((await store.ReadAsync([kept], entities.Take(10).ToList(), default))[0], Assert.NotNull);
    }

    private OnlineStoreOptions Options(string name) => RedisTestConnection.Options(fixture.Redis.Endpoint, RedisTestConnection.UniquePrefix(name), Grace);
}
