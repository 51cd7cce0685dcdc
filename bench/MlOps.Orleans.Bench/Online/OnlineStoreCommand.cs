extern alias platform;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Measure;
using platform::MlOps.Orleans.Contracts.Features.Online;
using platform::MlOps.Orleans.Features.Online.Store;
using StackExchange.Redis;

namespace MlOps.Orleans.Bench.Online;

/// <summary>
/// The online store on its own, below the shard grains: write throughput in batches (what materialization can reach at
/// best) and open-loop reads of every view for 1 and for 100 entities, then redis-benchmark with the same keys and value
/// sizes in the same session. Starts its own redis-server unless given one.
/// </summary>
internal sealed class OnlineStoreCommand : IBenchCommand
{
    public string Name => "online-store";

    public string Usage =>
        "[--backend redis|sqlite] [--redis HOST:PORT] [--appendfsync always|everysec|no|off] [--entities 100000] [--views 5] " +
        "[--features 10] [--write-batch 1000] [--write-concurrency 4] [--write-reps 3] [--rate-one 2000] [--rate-hundred 200] " +
        "[--duration 10] [--reps 3] [--warmup 2] [--no-raw] [--wait-quiet SECONDS] [--results FILE]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var backend = options.String("backend", "redis");
        var redisEndpoint = options.String("redis");
        var appendFsync = options.String("appendfsync", "always");
        var data = new OnlineBenchData(options.Int("views", 5), options.Int("features", 10), options.Int("entities", 100_000), TimeSpan.FromDays(1));
        var writeBatch = options.Int("write-batch", 1000);
        var writeConcurrency = options.Int("write-concurrency", 4);
        var writeReps = options.Int("write-reps", 3);
        var rateOne = options.Double("rate-one", 2000);
        var rateHundred = options.Double("rate-hundred", 200);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var reps = options.Int("reps", 3);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 2));
        var raw = !options.Flag("no-raw");
        var quiet = new QuietMachine(TimeSpan.FromSeconds(options.Double("wait-quiet", 0)));
        var results = new ResultFile(options.String("results", "bench-results.jsonl"));
        options.RejectUnknown();
        if (backend is not ("redis" or "sqlite")) throw new UsageException($"--backend '{backend}' is not redis or sqlite");

        using var server = backend == "redis" && redisEndpoint is null ? await BenchRedisServer.StartAsync(appendFsync, ct) : null;
        var sqliteFolder = backend == "sqlite" ? Directory.CreateTempSubdirectory("mlops-bench-online-").FullName : null;
        var storeOptions = new OnlineStoreOptions
        {
            RedisConnectionString = server?.Endpoint ?? redisEndpoint, SqliteFolder = sqliteFolder, KeyPrefix = "bench", SweepInterval = null,
        };
        var label = backend == "redis" ? $"redis (appendfsync {(server is null ? "as configured" : appendFsync)})" : "sqlite (WAL, synchronous=FULL)";
        var settings = new JsonObject
        {
            ["store"] = label, ["views"] = data.Views.Count, ["features_per_view"] = data.Features, ["entities"] = data.Keys.Length,
            ["write_batch"] = writeBatch, ["write_concurrency"] = writeConcurrency, ["duration_s"] = duration.TotalSeconds, ["reps"] = reps,
        };
        var measured = new MeasuredProcesses(server?.Process, null);
        Console.Error.WriteLine($"# online-store {label}, {Machine.Describe()}, load {LoadAverage()}");

        try
        {
            await using var store = backend == "redis"
                ? await RedisOnlineStore.ConnectAsync(storeOptions)
                : (IOnlineStore)SqliteOnlineStore.Open(storeOptions);

            results.Append("online-store-write", backend, settings.DeepClone().AsObject(),
                await MeasureWritesAsync(store, data, writeBatch, writeConcurrency, writeReps, measured, quiet, ct));
            var one = await MeasureReadsAsync(store, data, 1, rateOne, duration, reps, warmup, measured, quiet, ct);
            var hundred = await MeasureReadsAsync(store, data, 100, rateHundred, duration, reps, warmup, measured, quiet, ct);
            results.Append("online-store-read", backend, settings.DeepClone().AsObject(), new JsonObject { ["entities_1"] = one, ["entities_100"] = hundred });

            if (raw && store is RedisOnlineStore redisStore)
            {
                var port = server?.Port ?? int.Parse(redisEndpoint!.Split(':')[^1], CultureInfo.InvariantCulture);
                results.Append("redis-benchmark", backend, settings.DeepClone().AsObject(), await RawAsync(redisStore, storeOptions, data, port, ct));
            }
        }
        finally
        {
            if (sqliteFolder is not null) Directory.Delete(sqliteFolder, recursive: true);
        }
    }

    private static async Task<JsonObject> MeasureWritesAsync(
        IOnlineStore store, OnlineBenchData data, int batch, int concurrency, int reps, MeasuredProcesses measured, QuietMachine quiet, CancellationToken ct)
    {
        var runs = new JsonArray();
        var rates = new List<double>();
        for (var r = 0; r < reps; r++)
        {
            // Each rep is one second newer, so newest-wins applies every row again instead of skipping it.
            var eventTs = DateTime.UtcNow.AddMinutes(-5).AddSeconds(r);
            var before = await quiet.WaitAsync(measured, ct);
            var load = LoadAverage();
            var cpu = new CpuMeter(measured);
            var clock = Stopwatch.StartNew();
            var applied = await data.WriteAllAsync(store, eventTs, batch, concurrency, ct);
            var seconds = clock.Elapsed.TotalSeconds;
            var use = cpu.Stop();
            var expected = (long)data.Keys.Length * data.Views.Count;
            if (applied != expected) throw new InvalidOperationException($"applied {applied} of {expected} rows");
            rates.Add(applied / seconds);
            Console.Error.WriteLine($"#   write rep {r + 1}: {applied:N0} rows in {seconds:0.00}s = {applied / seconds:N0} rows/s; {use}; load {load}");
            runs.Add(new JsonObject { ["rows"] = applied, ["seconds"] = Math.Round(seconds, 3), ["rows_per_s"] = Math.Round(applied / seconds), ["cpu"] = use.ToJson(), ["loadavg"] = load, ["other_cores_before"] = Finite(before) });
        }
        var median = Stats.Median(rates);
        Console.WriteLine($"online-store write: median {median:N0} rows/s ({batch} rows per call, {concurrency} calls in flight)");
        return new JsonObject { ["rows_per_s_median"] = Math.Round(median), ["runs"] = runs };
    }

    private static async Task<JsonObject> MeasureReadsAsync(
        IOnlineStore store, OnlineBenchData data, int entities, double rate, TimeSpan duration, int reps, TimeSpan warmup, MeasuredProcesses measured,
        QuietMachine quiet, CancellationToken ct)
    {
        Task CallAsync(long _)
        {
            var keys = new string[entities];
            var first = Random.Shared.Next(data.Keys.Length);
            for (var e = 0; e < entities; e++) keys[e] = data.Keys[(first + e * 997) % data.Keys.Length];
            return ReadAndCheckAsync(store, data.Views, keys);
        }

        if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(rate, warmup, CallAsync, new ErrorLog());
        var runs = new JsonArray();
        var loops = new List<OpenLoopResult>();
        for (var r = 0; r < reps; r++)
        {
            var before = await quiet.WaitAsync(measured, ct);
            var load = LoadAverage();
            var cpu = new CpuMeter(measured);
            var errors = new ErrorLog();
            var loop = await OpenLoop.RunAsync(rate, duration, CallAsync, errors);
            var use = cpu.Stop();
            loops.Add(loop);
            Console.Error.WriteLine($"#   read {entities} entities x {data.Views.Count} views rep {r + 1}: {loop}; {use}; load {load}");
            var json = loop.ToJson();
            json["cpu"] = use.ToJson();
            json["errors"] = errors.ToJson();
            json["loadavg"] = load;
            json["other_cores_before"] = Finite(before);
            runs.Add(json);
        }
        var p50 = Stats.Median(loops.Select(l => l.Latency.P50));
        var p99 = Stats.Median(loops.Select(l => l.Latency.P99));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"online-store read {entities} entities x {data.Views.Count} views at {rate}/s: median p50 {p50:0.###} ms, p99 {p99:0.###} ms"));
        return new JsonObject
        {
            ["rate_per_s"] = rate, ["p50_ms_median"] = Math.Round(p50, 3), ["p99_ms_median"] = Math.Round(p99, 3),
            ["max_ms"] = Math.Round(loops.Max(l => l.Latency.Max), 3), ["failed"] = loops.Sum(l => l.Failed), ["runs"] = runs,
        };
    }

    private static async Task ReadAndCheckAsync(IOnlineStore store, IReadOnlyList<OnlineViewLayout> views, string[] keys)
    {
        var rows = await store.ReadAsync(views, keys, CancellationToken.None);
        foreach (var view in rows)
        {
            foreach (var row in view)
            {
                if (row is null) throw new InvalidOperationException("a row that was written reads as not found");
            }
        }
    }

    /// <summary>
    /// redis-benchmark, one client, on data of the same shape as ours: one key per (view, entity) with our 101-byte values
    /// and a key expiry, random entities (<c>-r</c>: a fixed key would sit in the CPU cache, while 500k random keys miss it,
    /// as ours do); MGET of 5 keys (1 entity) and of 500 keys (100 entities). And Feast's layout for comparison: one hash per
    /// entity with 50 features of 8 bytes and 5 timestamps, HMGET of all 55 fields, alone and 100 pipelined.
    /// </summary>
    internal static async Task<JsonObject> RawAsync(RedisOnlineStore store, OnlineStoreOptions options, OnlineBenchData data, int port, CancellationToken ct)
    {
        var sample = await store.KeyOfAsync(data.Views[0].Key, data.Keys[0], ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options.RedisConnectionString!);
        var db = redis.GetDatabase();
        var value = (byte[]?)await db.StringGetAsync(sample!.Value) ?? throw new InvalidOperationException("no sample row");
        var fields = Enumerable.Range(0, 50).Select(f => $"fv{f / 10}:f{f % 10}").Concat(Enumerable.Range(0, 5).Select(v => $"_ts:fv{v}")).ToArray();
        var hash = fields.Select(f => new HashEntry(f, BitConverter.GetBytes(1.5))).ToArray();
        var expiry = DateTime.UtcNow.AddDays(1);
        // redis-benchmark's __rand_int__ is a 12-digit zero-padded number below -r.
        for (var start = 0; start < data.Keys.Length; start += 1000)
        {
            var batch = db.CreateBatch();
            var pending = new List<Task>();
            for (var e = start; e < Math.Min(start + 1000, data.Keys.Length); e++)
            {
                var id = e.ToString("D12", CultureInfo.InvariantCulture);
                for (var v = 0; v < data.Views.Count; v++) pending.Add(batch.StringSetAsync($"raw:{{{id}}}:v{v}", value, expiry - DateTime.UtcNow));
                pending.Add(batch.HashSetAsync($"rawfeast:{id}", hash));
            }
            batch.Execute();
            await Task.WhenAll(pending);
        }

        var figures = new JsonObject { ["loadavg"] = LoadAverage(), ["value_bytes"] = value.Length, ["random_entities"] = data.Keys.Length };
        async Task Run(string name, int requests, int pipeline, IReadOnlyList<string> command)
        {
            var result = await RawRedisBenchmark.RunAsync(port, requests, pipeline, data.Keys.Length, command, ct);
            Console.WriteLine($"redis-benchmark {name}: {result.ToJsonString()}");
            figures[name] = result;
        }
        var views = Enumerable.Range(0, data.Views.Count).ToList();
        await Run("mget_5_keys", 100_000, 1, ["MGET", .. views.Select(v => $"raw:{{__rand_int__}}:v{v}")]);
        await Run("mget_500_keys", 10_000, 1, ["MGET", .. Enumerable.Range(0, 100).SelectMany(_ => views.Select(v => $"raw:{{__rand_int__}}:v{v}"))]);
        await Run("hmget_55_fields", 100_000, 1, ["HMGET", "rawfeast:__rand_int__", .. fields]);
        await Run("hmget_55_fields_pipelined_100", 100_000, 100, ["HMGET", "rawfeast:__rand_int__", .. fields]);
        return figures;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 2) : null;

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
