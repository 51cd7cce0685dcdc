extern alias platform;

using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Online;
using platform::MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Bench.Features;

/// <summary>
/// redis-benchmark beside online-get, against the same Redis: the online-store command's one-client runs (MGET of 5 and 500
/// keys of our 101-byte rows, Feast's 55-field HMGET alone and 100 pipelined, 100,000-key random keyspace), then the same
/// commands with redis-benchmark's default 50 clients. The raw keys live under their own prefix next to the server's.
/// </summary>
internal static class OnlineGetRaw
{
    private const int DefaultClients = 50;

    public static async Task<JsonObject> RunAsync(string endpoint, int port, int views, int entities, CancellationToken ct)
    {
        var options = new OnlineStoreOptions { RedisConnectionString = endpoint, KeyPrefix = "rawbench", SweepInterval = null };
        var data = new OnlineBenchData(views, 10, entities, TimeSpan.FromDays(1));
        await using var store = await RedisOnlineStore.ConnectAsync(options);
        // RawAsync copies the bytes of one stored row as the value of every raw key: the same 101 bytes our rows take.
        await store.WriteAsync(data.Views[0], [new(data.Keys[0], data.Row(0, DateTime.UtcNow.AddMinutes(-5)))], ct);
        Console.Error.WriteLine("# redis-benchmark, 1 client, then 50");
        var figures = new JsonObject { ["one_client"] = await OnlineStoreCommand.RawAsync(store, options, data, port, ct) };

        var defaults = new JsonObject();
        async Task Run(string name, int requests, int pipeline, IReadOnlyList<string> command)
        {
            var result = await RawRedisBenchmark.RunAsync(port, DefaultClients, requests, pipeline, entities, command, ct);
            Console.WriteLine($"redis-benchmark -c {DefaultClients} {name}: {result.ToJsonString()}");
            defaults[name] = result;
        }
        var viewKeys = Enumerable.Range(0, views).Select(v => $"raw:{{__rand_int__}}:v{v}").ToList();
        var fields = Enumerable.Range(0, 50).Select(f => $"fv{f / 10}:f{f % 10}").Concat(Enumerable.Range(0, 5).Select(v => $"_ts:fv{v}")).ToList();
        await Run("mget_5_keys", 200_000, 1, ["MGET", .. viewKeys]);
        await Run("mget_500_keys", 10_000, 1, ["MGET", .. Enumerable.Range(0, 100).SelectMany(_ => viewKeys)]);
        await Run("hmget_55_fields", 200_000, 1, ["HMGET", "rawfeast:__rand_int__", .. fields]);
        await Run("hmget_55_fields_pipelined_100", 200_000, 100, ["HMGET", "rawfeast:__rand_int__", .. fields]);
        figures[$"clients_{DefaultClients}"] = defaults;
        return figures;
    }
}
