extern alias platform;

using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Online;
using platform::MlOps.Orleans.Features.Online.Store;
using StackExchange.Redis;

namespace MlOps.Orleans.Bench.Features;

/// <summary>
/// The raw Redis floor of an online-get case, taken in the same run just before it: redis-benchmark on the server's own
/// Redis with one connection (what each online-get driver uses), sending the case's shape as one MGET — views × entities
/// keys of one stored row's bytes each, random entities of the same key space. What the server adds above this is the
/// gateway, the shard grains and the wire; redis-benchmark is closed loop, so this is Redis unloaded by queueing.
/// </summary>
internal sealed class OnlineGetRedisFloor
{
    private const string KeyPrefix = "rawfloor";
    private readonly int _port;
    private readonly int _views;
    private readonly int _entities;
    private readonly int _valueBytes;

    private OnlineGetRedisFloor(int port, int views, int entities, int valueBytes)
    {
        _port = port;
        _views = views;
        _entities = entities;
        _valueBytes = valueBytes;
    }

    /// <summary>Writes the raw keys once: every entity × view, each the bytes of one row as our store writes it.</summary>
    public static async Task<OnlineGetRedisFloor> SeedAsync(string endpoint, int port, int views, int entities, CancellationToken ct)
    {
        var options = new OnlineStoreOptions { RedisConnectionString = endpoint, KeyPrefix = KeyPrefix, SweepInterval = null };
        var data = new OnlineBenchData(views, 10, 1, TimeSpan.FromDays(1));
        byte[] value;
        await using (var store = await RedisOnlineStore.ConnectAsync(options))
        {
            await store.WriteAsync(data.Views[0], [new(data.Keys[0], data.Row(0, DateTime.UtcNow.AddMinutes(-5)))], ct);
            var sample = await store.KeyOfAsync(data.Views[0].Key, data.Keys[0], ct) ?? throw new InvalidOperationException("no sample row key");
            await using var redis = await ConnectionMultiplexer.ConnectAsync(endpoint);
            value = (byte[]?)await redis.GetDatabase().StringGetAsync(sample) ?? throw new InvalidOperationException("no sample row");
            var db = redis.GetDatabase();
            for (var start = 0; start < entities; start += 1000)
            {
                var batch = db.CreateBatch();
                var pending = new List<Task>();
                for (var e = start; e < Math.Min(start + 1000, entities); e++)
                {
                    // redis-benchmark's __rand_int__ is a 12-digit zero-padded number below -r.
                    var id = e.ToString("D12", CultureInfo.InvariantCulture);
                    for (var v = 0; v < views; v++) pending.Add(batch.StringSetAsync($"{KeyPrefix}:{{{id}}}:v{v}", value, TimeSpan.FromDays(1)));
                }
                batch.Execute();
                await Task.WhenAll(pending);
            }
        }
        return new OnlineGetRedisFloor(port, views, entities, value.Length);
    }

    /// <summary>One MGET of <paramref name="entitiesPerRequest"/> × views keys, <paramref name="requests"/> times, one client.</summary>
    public async Task<JsonObject> MeasureAsync(int entitiesPerRequest, int requests, CancellationToken ct)
    {
        var keys = Enumerable.Range(0, entitiesPerRequest).SelectMany(_ => Enumerable.Range(0, _views).Select(v => $"{KeyPrefix}:{{__rand_int__}}:v{v}"));
        var result = await RawRedisBenchmark.RunAsync(_port, 1, requests, 1, _entities, ["MGET", .. keys], ct);
        result["value_bytes"] = _valueBytes;
        result["keys_per_request"] = entitiesPerRequest * _views;
        result["loop"] = "closed, 1 connection (redis-benchmark -c 1)";
        return result;
    }
}
