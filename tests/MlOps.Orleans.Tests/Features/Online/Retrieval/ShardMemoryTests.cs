using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Online.Store.OnlineTestViews;
using MlOps.Orleans.Grains.Features.Online;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Retrieval;

/// <summary>A shard's memory and the in-process read of it: newest wins, bounded, expired rows and absent keys never answer.</summary>
[Trait("Category", Category.Unit)]
public sealed class ShardMemoryTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    [Fact]
    public void An_older_row_never_replaces_a_newer_one_and_a_known_absence_gives_way_to_a_row()
    {
        var view = Floats();
        var cache = new ShardCache(100);
        cache.Offer(view.Key, "k", null);
        Assert.True(cache.TryGet(view.Key, "k", out var absent));
        Assert.Null(absent);
        cache.Offer(view.Key, "k", FloatRow(Now, 2));
        cache.Offer(view.Key, "k", FloatRow(Now.AddSeconds(-1), 1));
        cache.Offer(view.Key, "k", null);
        cache.Refresh(view.Key, "k", FloatRow(Now.AddSeconds(-2), 0));
        Assert.True(cache.TryGet(view.Key, "k", out var held));
        Assert.Equal(2.0, held!.Values[0]);
        // Same event time: a created time beats none.
        cache.Offer(view.Key, "k", FloatRow(Now, 3, created: Now));
        cache.TryGet(view.Key, "k", out held);
        Assert.Equal(3.0, held!.Values[0]);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Memory_stays_within_its_capacity_and_forgetting_a_view_keeps_the_others()
    {
        var (a, b) = (Floats("a"), Floats("b"));
        var cache = new ShardCache(64);
        for (var i = 0; i < 1000; i++) cache.Offer((i % 2 == 0 ? a : b).Key, Driver(i), FloatRow(Now, i));
        Assert.InRange(cache.Count, 1, 64);
        var held = Enumerable.Range(0, 1000).Count(i => cache.TryGet((i % 2 == 0 ? a : b).Key, Driver(i), out _));
        Assert.Equal(cache.Count, held);

        cache.Forget(a.Key);
        Assert.Equal(0, Enumerable.Range(0, 1000).Count(i => cache.TryGet(a.Key, Driver(i), out _)));
        Assert.Equal(cache.Count, Enumerable.Range(0, 1000).Count(i => cache.TryGet(b.Key, Driver(i), out _)));
        Assert.True(cache.Count > 0);
    }

    [Fact]
    public void A_cache_of_capacity_zero_holds_nothing()
    {
        var view = Floats();
        var cache = new ShardCache(0);
        cache.Offer(view.Key, "k", FloatRow(Now, 1));
        Assert.False(cache.TryGet(view.Key, "k", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void In_process_read_answers_only_when_the_shard_is_here_and_holds_every_live_row()
    {
        var fresh = Floats("fresh", ttl: TimeSpan.FromHours(1));
        var other = Floats("other");
        var layouts = new[] { fresh, other };
        var local = new LocalShards(new OnlineStoreOptions { ExpiryGrace = Grace });
        var cache = new ShardCache(100);
        var keys = new[] { Driver(1), Driver(2) };
        var into = new[] { new OnlineRow?[2], new OnlineRow?[2] };

        // Not active on this silo: no answer.
        Assert.False(local.TryRead("driver/3", layouts, [0, 1], [0, 1], keys, Now, into));
        local.Add("driver/3", cache);
        cache.Offer(fresh.Key, keys[0], FloatRow(Now.AddMinutes(-1), 10));
        cache.Offer(other.Key, keys[0], null);
        // Key 2 is not held for either view: the grain must read it through.
        Assert.False(local.TryRead("driver/3", layouts, [0, 1], [0, 1], keys, Now, into));
        Assert.True(local.TryRead("driver/3", layouts, [0, 1], [0], keys, Now, into));
        Assert.Equal(10.0, into[0][0]!.Values[0]);
        Assert.Null(into[1][0]);

        // Past ttl + grace the store has dropped it, so memory must not answer either; within the grace it still does.
        Assert.True(local.TryRead("driver/3", layouts, [0, 1], [0], keys, Now.AddHours(1), into));
        Assert.False(local.TryRead("driver/3", layouts, [0, 1], [0], keys, Now.AddHours(1) + Grace, into));

        // A deactivated shard's memory is no longer read; removing a replaced registration keeps the new one.
        var next = new ShardCache(100);
        local.Add("driver/3", next);
        local.Remove("driver/3", cache);
        next.Offer(fresh.Key, keys[0], FloatRow(Now, 20));
        next.Offer(other.Key, keys[0], FloatRow(Now, 30));
        Assert.True(local.TryRead("driver/3", layouts, [0, 1], [0], keys, Now, into));
        Assert.Equal(20.0, into[0][0]!.Values[0]);
        local.Remove("driver/3", next);
        Assert.False(local.TryRead("driver/3", layouts, [0, 1], [0], keys, Now, into));
    }
}
