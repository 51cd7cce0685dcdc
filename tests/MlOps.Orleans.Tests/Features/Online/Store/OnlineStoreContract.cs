using MlOps.Orleans.Contracts.Features.Online;
using static MlOps.Orleans.Tests.Features.Online.Store.OnlineTestViews;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>
/// What every <see cref="IOnlineStore"/> backend must do, run against each (<see cref="RedisOnlineStoreContractTests"/>,
/// <see cref="SqliteOnlineStoreContractTests"/>). Each test works on views of its own.
/// </summary>
public abstract class OnlineStoreContract
{
    protected static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    /// <summary>A store over this class's backing data; a second call gives a second instance over the same data.</summary>
    protected abstract Task<IOnlineStore> OpenAsync(TimeProvider? time = null);

    [Fact]
    public async Task Every_value_type_and_null_round_trips_exactly()
    {
        await using var store = await OpenAsync();
        var view = AllTypes();
        var ts = new DateTime(2026, 11, 26, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234567);
        var full = new OnlineRow(Now.AddTicks(-1), Now.AddTicks(-7), [
            int.MinValue, long.MaxValue, 1.5e-45f, -0.0, true, "ünïcode | \\ {}", new byte[] { 0, 255, 7 }, ts]);
        var extremes = new OnlineRow(Now, null, [
            int.MaxValue, long.MinValue, float.NaN, double.PositiveInfinity, false, "", Array.Empty<byte>(),
            DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc)]);
        var nulls = new OnlineRow(Now, Now, new object?[8]);
        var mixed = new OnlineRow(Now, null, [null, 5L, null, 2.5, null, "x", null, ts]);

        var applied = await store.WriteAsync(view, [Entry("k1", full), Entry("k2", extremes), Entry("k3", nulls), Entry("k4", mixed)], default);

        Assert.Equal(4, applied);
        var read = (await store.ReadAsync([view], ["k1", "k2", "k3", "k4"], default))[0];
        AssertRow(full, read[0]);
        AssertRow(extremes, read[1]);
        AssertRow(nulls, read[2]);
        AssertRow(mixed, read[3]);
        Assert.True(double.IsNegative((double)read[0]!.Values[3]!), "-0.0 keeps its sign");
        Assert.Equal(DateTimeKind.Utc, ((DateTime)read[0]!.Values[7]!).Kind);
    }

    [Fact]
    public async Task Values_widen_int32_to_int64_and_float32_to_float64_and_reject_other_types()
    {
        await using var store = await OpenAsync();
        var view = AllTypes();

        await store.WriteAsync(view, [Entry("w", new OnlineRow(Now, null, [1, 2, 3f, 4f, true, "s", null, null]))], default);
        var row = (await store.ReadAsync([view], ["w"], default))[0][0]!;

        Assert.Equal(2L, row.Values[1]);
        Assert.Equal(4.0, row.Values[3]);
        // A bad row anywhere in a batch fails the batch before anything is written.
        var good = Entry("good", new OnlineRow(Now, null, new object?[8]));
        var bad = Entry("bad", new OnlineRow(Now, null, [1L, null, null, null, null, null, null, null]));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(view, [good, bad], default));
        Assert.Contains("i32", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(view, [Entry("short", new OnlineRow(Now, null, [1]))], default));
        Assert.Null((await store.ReadAsync([view], ["good"], default))[0][0]);
    }

    [Fact]
    public async Task Newest_event_timestamp_wins_and_an_older_row_is_not_applied()
    {
        await using var store = await OpenAsync();
        var view = Floats(features: 2);
        var k = Driver(1);

        Assert.Equal(1, await store.WriteAsync(view, [Entry(k, FloatRow(Now, 10, 2))], default));
        Assert.Equal(0, await store.WriteAsync(view, [Entry(k, FloatRow(Now.AddSeconds(-1), 20, 2))], default));
        Assert.Equal(10.0, (await store.ReadAsync([view], [k], default))[0][0]!.Values[0]);
        Assert.Equal(1, await store.WriteAsync(view, [Entry(k, FloatRow(Now.AddTicks(1), 30, 2))], default));
        Assert.Equal(30.0, (await store.ReadAsync([view], [k], default))[0][0]!.Values[0]);
        // Within one batch the newest row of an entity wins whatever the order.
        Assert.Equal(1, await store.WriteAsync(view, [Entry(k, FloatRow(Now.AddSeconds(9), 90, 2)), Entry(k, FloatRow(Now.AddSeconds(5), 50, 2))], default));
        Assert.Equal(90.0, (await store.ReadAsync([view], [k], default))[0][0]!.Values[0]);
    }

    [Fact]
    public async Task Created_timestamp_breaks_ties_and_an_equal_row_overwrites()
    {
        await using var store = await OpenAsync();
        var view = Floats(features: 1);
        var k = Driver(2);
        var t = Now;

        Assert.Equal(1, await store.WriteAsync(view, [Entry(k, FloatRow(t, 1, 1, created: t.AddMinutes(2)))], default));
        Assert.Equal(0, await store.WriteAsync(view, [Entry(k, FloatRow(t, 2, 1, created: t.AddMinutes(1)))], default));
        Assert.Equal(0, await store.WriteAsync(view, [Entry(k, FloatRow(t, 3, 1, created: null))], default));
        Assert.Equal(1.0, (await store.ReadAsync([view], [k], default))[0][0]!.Values[0]);
        // Same (event, created): a retried or re-materialized row is applied again.
        Assert.Equal(1, await store.WriteAsync(view, [Entry(k, FloatRow(t, 4, 1, created: t.AddMinutes(2)))], default));
        Assert.Equal(1, await store.WriteAsync(view, [Entry(k, FloatRow(t, 5, 1, created: t.AddMinutes(3)))], default));
        var row = (await store.ReadAsync([view], [k], default))[0][0]!;
        Assert.Equal(5.0, row.Values[0]);
        Assert.Equal(t.AddMinutes(3), row.CreatedTimestamp);
    }

    [Fact]
    public async Task Concurrent_writers_with_out_of_order_timestamps_leave_the_newest_row()
    {
        // Two store instances (two connections) and eight writers, each writing every key with its own timestamps,
        // shuffled, in small batches: whatever the interleaving, each key ends with the row of the greatest timestamp.
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();
        var view = Floats(features: 1);
        const int Keys = 40, Writers = 8;
        var random = new Random(7);
        var plans = Enumerable.Range(0, Writers).Select(w =>
            Enumerable.Range(0, Keys).Select(k => (Key: k, Stamp: random.Next(1_000_000))).OrderBy(_ => random.Next()).ToList()).ToList();
        var expected = Enumerable.Range(0, Keys).Select(k => plans.Max(p => p.Single(x => x.Key == k).Stamp)).ToArray();

        await Task.WhenAll(plans.Select((plan, w) => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? first : second;
            foreach (var chunk in plan.Chunk(5))
            {
                await store.WriteAsync(view,
                    chunk.Select(x => Entry(Driver(x.Key), FloatRow(Now.AddTicks(x.Stamp), x.Stamp, 1))).ToList(), default);
            }
        })));

        var rows = (await first.ReadAsync([view], Enumerable.Range(0, Keys).Select(k => Driver(k)).ToList(), default))[0];
        for (var k = 0; k < Keys; k++)
        {
            Assert.Equal((double)expected[k], rows[k]!.Values[0]);
            Assert.Equal(Now.AddTicks(expected[k]), rows[k]!.EventTimestamp);
        }
    }

    [Fact]
    public async Task Composite_keys_are_canonical_and_typed()
    {
        await using var store = await OpenAsync();
        var view = Floats(features: 1, keySpace: "customer,driver");
        var key = EntityKeys.Encode([1001, "abc"]);

        await store.WriteAsync(view, [Entry(key, FloatRow(Now, 1, 1))], default);

        // int32 and int64 of one number are one key; the string "1001" is another; so is a different order.
        var read = (await store.ReadAsync([view], [EntityKeys.Encode([1001L, "abc"]), EntityKeys.Encode(["1001", "abc"]), EntityKeys.Encode(["abc", 1001L])], default))[0];
        Assert.NotNull(read[0]);
        Assert.Null(read[1]);
        Assert.Null(read[2]);
    }

    [Fact]
    public async Task Five_views_by_a_hundred_entities_come_back_in_one_call_with_misses_as_null()
    {
        await using var store = await OpenAsync();
        var views = Enumerable.Range(0, 5).Select(v => Floats($"v{v}")).ToList();
        var entities = Enumerable.Range(0, 100).Select(i => Driver(i)).ToList();
        for (var v = 0; v < 5; v++)
        {
            // View v has every entity except those with i % 5 == v.
            var view = v;
            await store.WriteAsync(views[v], entities.Where((_, i) => i % 5 != view)
                .Select((e, _) => Entry(e, FloatRow(Now, view * 1000 + int.Parse(e[1..], System.Globalization.CultureInfo.InvariantCulture)))).ToList(), default);
        }

        var rows = await MeasureOneReadAsync(store, views, entities);

        for (var v = 0; v < 5; v++)
        {
            for (var i = 0; i < 100; i++)
            {
                if (i % 5 == v) Assert.Null(rows[v][i]);
                else Assert.Equal((double)(v * 1000 + i + 9), rows[v][i]!.Values[9]);
            }
        }
    }

    [Fact]
    public async Task A_dropped_view_reads_as_not_found_and_a_new_write_starts_it_empty()
    {
        await using var store = await OpenAsync();
        await using var staleWriter = await OpenAsync();
        await using var staleReader = await OpenAsync();
        var dropped = Floats("dropped", 2);
        var kept = Floats("kept", 2);
        await staleWriter.WriteAsync(dropped, [Entry(Driver(1), FloatRow(Now, 1, 2)), Entry(Driver(2), FloatRow(Now, 2, 2))], default);
        await store.WriteAsync(kept, [Entry(Driver(1), FloatRow(Now, 3, 2))], default);
        // Both other instances know the view from before the drop: what they believe must not outlive it.
        Assert.NotNull((await staleReader.ReadAsync([dropped], [Driver(1)], default))[0][0]);

        await store.DropViewAsync(dropped.Key, default);

        var afterDrop = await staleReader.ReadAsync([dropped, kept], [Driver(1), Driver(2)], default);
        Assert.All(afterDrop[0], Assert.Null);
        Assert.NotNull(afterDrop[1][0]);
        // Written again by the instance that last wrote before the drop: only the new row is there, the old ones stay gone.
        Assert.Equal(1, await staleWriter.WriteAsync(dropped, [Entry(Driver(2), FloatRow(Now.AddDays(-1), 9, 2))], default));
        foreach (var reader in new[] { store, staleReader, staleWriter })
        {
            var rewritten = (await reader.ReadAsync([dropped], [Driver(1), Driver(2)], default))[0];
            Assert.Null(rewritten[0]);
            Assert.Equal(9.0, rewritten[1]!.Values[0]);
        }
        // Dropping what was never written is not an error.
        await store.DropViewAsync(new OnlineViewKey("never_written", 1), default);
    }

    [Fact]
    public async Task Rows_past_ttl_and_grace_are_not_written_and_rows_past_ttl_only_are_kept()
    {
        await using var store = await OpenAsync();
        var view = Floats("ttl", 1, ttl: TimeSpan.FromHours(1));

        var applied = await store.WriteAsync(view, [
            Entry(Driver(1), FloatRow(Now - TimeSpan.FromHours(1) - Grace - TimeSpan.FromSeconds(10), 1, 1)),
            Entry(Driver(2), FloatRow(Now - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(10), 2, 1)),
        ], default);

        Assert.Equal(1, applied);
        var rows = (await store.ReadAsync([view], [Driver(1), Driver(2)], default))[0];
        Assert.Null(rows[0]);
        Assert.Equal(2.0, rows[1]!.Values[0]);
    }

    [Fact]
    public async Task Status_reports_data_only_while_a_live_view_holds_rows()
    {
        await using var store = await OpenIsolatedAsync();
        var empty = await store.StatusAsync(default);
        Assert.True(empty.Reachable, empty.Detail);
        Assert.False(empty.HasData, empty.Detail);

        var view = Floats("status", 1);
        await store.WriteAsync(view, [Entry(Driver(1), FloatRow(Now, 1, 1))], default);
        var full = await store.StatusAsync(default);
        Assert.True(full.HasData, full.Detail);
        Assert.Equal(1, full.LiveViews);

        await store.DropViewAsync(view.Key, default);
        var dropped = await store.StatusAsync(default);
        Assert.False(dropped.HasData, dropped.Detail);
        Assert.Equal(0, dropped.LiveViews);
    }

    /// <summary>A store over data no other test touches (status counts every view of the store).</summary>
    protected abstract Task<IOnlineStore> OpenIsolatedAsync();

    /// <summary>Reads once (after a warm-up read that teaches the store the views) and lets the backend check how.</summary>
    protected virtual async Task<OnlineRow?[][]> MeasureOneReadAsync(IOnlineStore store, IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entities) =>
        await store.ReadAsync(views, entities, default);

    protected static void AssertRow(OnlineRow expected, OnlineRow? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.EventTimestamp.Ticks, actual.EventTimestamp.Ticks);
        Assert.Equal(expected.CreatedTimestamp?.Ticks, actual.CreatedTimestamp?.Ticks);
        Assert.Equal(expected.Values.Length, actual.Values.Length);
        for (var i = 0; i < expected.Values.Length; i++)
        {
            Assert.Equal(expected.Values[i], actual.Values[i]);
        }
    }
}
