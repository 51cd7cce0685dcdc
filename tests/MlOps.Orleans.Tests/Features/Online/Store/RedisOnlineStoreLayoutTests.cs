using MlOps.Orleans.Contracts.Features.Online;
using StackExchange.Redis;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Online.Store.OnlineTestViews;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>What the Redis keys look like: expiry, hash slots, value size. On the test command's Redis, own prefix.</summary>
[Trait("Category", Category.Platform)]
public sealed class RedisOnlineStoreLayoutTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);
    private readonly OnlineStoreOptions _options = RedisTestConnection.Options(RedisTestConnection.Endpoint, RedisTestConnection.UniquePrefix("layout"), Grace);
    private ConnectionMultiplexer _redis = null!;
    private RedisOnlineStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(RedisOnlineStore.Configure(_options));
        _store = RedisOnlineStore.Create(_redis, _options);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Key_expiry_is_event_time_plus_ttl_plus_grace_and_absent_without_ttl()
    {
        var withTtl = Floats("ttl", 1, ttl: TimeSpan.FromHours(2));
        var withoutTtl = Floats("forever", 1);
        var eventTs = DateTime.UtcNow.AddMinutes(-10);
        await _store.WriteAsync(withTtl, [Entry(Driver(1), FloatRow(eventTs, 1, 1))], default);
        await _store.WriteAsync(withoutTtl, [Entry(Driver(1), FloatRow(eventTs, 1, 1))], default);

        var db = _redis.GetDatabase();
        var expiresAt = (long)await db.ExecuteAsync("PEXPIRETIME", (await _store.KeyOfAsync(withTtl.Key, Driver(1), default))!.Value);
        var never = (long)await db.ExecuteAsync("PEXPIRETIME", (await _store.KeyOfAsync(withoutTtl.Key, Driver(1), default))!.Value);

        var expected = new DateTimeOffset(eventTs + TimeSpan.FromHours(2) + Grace).ToUnixTimeMilliseconds();
        Assert.Equal(expected, expiresAt);
        Assert.Equal(-1, never);
        // A newer row moves the expiry with it.
        await _store.WriteAsync(withTtl, [Entry(Driver(1), FloatRow(eventTs.AddMinutes(5), 2, 1))], default);
        var moved = (long)await db.ExecuteAsync("PEXPIRETIME", (await _store.KeyOfAsync(withTtl.Key, Driver(1), default))!.Value);
        Assert.Equal(expected + 5 * 60_000, moved);
    }

    [Fact]
    public async Task Every_view_of_one_entity_lands_in_one_hash_slot()
    {
        var views = Enumerable.Range(0, 5).Select(v => Floats($"slot{v}", 1)).ToList();
        var entity = EntityKeys.Encode([1001L, "abc}{x"]);
        foreach (var view in views) await _store.WriteAsync(view, [Entry(entity, FloatRow(Now, 1, 1))], default);

        var keys = new List<RedisKey>();
        foreach (var view in views) keys.Add((await _store.KeyOfAsync(view.Key, entity, default))!.Value);

        Assert.Single(keys.Select(k => _redis.HashSlot(k)).Distinct());
        Assert.Equal(5, keys.Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith(_options.KeyPrefix + ":", k.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_row_of_ten_float64_features_is_101_bytes_of_binary()
    {
        var view = Floats("size", 10);
        await _store.WriteAsync(view, [Entry(Driver(5), FloatRow(Now, 1, 10, created: Now))], default);

        var key = (await _store.KeyOfAsync(view.Key, Driver(5), default))!.Value;
        var db = _redis.GetDatabase();

        // 18 header (format, flags, event, created) + 1 count + 2 null bitmap + 10 x 8 values.
        Assert.Equal(101, await db.StringLengthAsync(key));
        Assert.Equal(new byte[] { 1, 1 }, (byte[]?)await db.StringGetRangeAsync(key, 0, 1));
    }
}
