using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Bench.Online;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Bench.Features;

/// <summary>
/// End-to-end online retrieval (issue 6 item 8): GetOnlineFeatures through the gateway's gRPC on loopback, every feature of
/// every view for random entities, open loop at a fixed rate for 1 and for 100 entities per request. The server is started
/// with a private redis-server as its online store (or the embedded SQLite one), seeded through WriteToOnlineStore; then
/// redis-benchmark runs against the same Redis in the same session.
/// </summary>
internal sealed class OnlineGetCommand : IBenchCommand
{
    public string Name => "online-get";

    public string Usage =>
        "[--store redis|sqlite] [--redis HOST:PORT] [--appendfsync off|always|everysec|no] [--entities 100000] [--views 5] [--features 10] " +
        "[--seed-batch 1000] [--seed-concurrency 4] [--rate-one 2000] [--rate-hundred 200] [--duration 30] [--reps 3] [--warmup 10] [--drivers dotnet,raw[,raw-small-window]] [--cases 1,100] [--no-raw]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var store = options.String("store", "redis");
        var redisEndpoint = options.String("redis");
        var appendFsync = options.String("appendfsync", "off");
        var entities = options.Int("entities", 100_000);
        var repo = new OnlineGetRepository(options.Int("views", 5), options.Int("features", 10));
        var seedBatch = options.Int("seed-batch", 1000);
        var seedConcurrency = options.Int("seed-concurrency", 4);
        var rateOne = options.Double("rate-one", 2000);
        var rateHundred = options.Double("rate-hundred", 200);
        var cases = options.String("cases", "1,100").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c switch
            {
                "1" => (Entities: 1, Rate: rateOne),
                "100" => (Entities: 100, Rate: rateHundred),
                _ => throw new UsageException($"--cases: '{c}' is not 1 or 100"),
            })
            .ToArray();
        if (cases.Length == 0) throw new UsageException("--cases wants 1, 100 or 1,100");
        var duration = TimeSpan.FromSeconds(options.Double("duration", 30));
        var reps = options.Int("reps", 3);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 10));
        var raw = !options.Flag("no-raw");
        var drivers = options.String("drivers", "dotnet,raw").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        options.RejectUnknown();
        if (drivers.Length == 0) throw new UsageException($"--drivers wants a comma list of {string.Join(", ", OnlineGetDriver.Names)}");
        if (drivers.FirstOrDefault(d => !OnlineGetDriver.Names.Contains(d)) is { } unknown)
            throw new UsageException($"--drivers: '{unknown}' is not one of {string.Join(", ", OnlineGetDriver.Names)}");
        if (store is not ("redis" or "sqlite")) throw new UsageException($"--store '{store}' is not redis or sqlite");
        if (store == "redis" && common.Target.Target is not null && redisEndpoint is null)
            throw new UsageException("--target with --store redis needs --redis HOST:PORT (the Redis that server uses)");

        using var redis = store == "redis" && redisEndpoint is null ? await BenchRedisServer.StartAsync(appendFsync, ct) : null;
        var endpoint = redis?.Endpoint ?? redisEndpoint;
        var environment = new Dictionary<string, string>(common.Target.ServerEnvironment, StringComparer.Ordinal);
        if (store == "redis") environment["Mlops__Online__Redis"] = endpoint!;
        await using var target = await BenchTarget.OpenAsync(common.Target with { ServerEnvironment = environment }, ct);
        using var channel = Channels.Open(target.Grpc);
        var client = new Feat.FeatureStoreService.FeatureStoreServiceClient(channel);

        var label = store == "redis" ? $"redis {endpoint} ({(redis is null ? "persistence as configured" : PersistenceOf(appendFsync))})" : "sqlite (embedded, WAL)";
        Console.Error.WriteLine($"# online-get: online store {label}; {Machine.Describe()}; load {OnlineGetWindows.LoadAverage()}");
        await repo.ApplyAsync(client, ct);
        var seedRate = await repo.SeedAsync(client, entities, seedBatch, seedConcurrency, ct);
        Console.Error.WriteLine($"# seeded {entities:N0} entities x {repo.Views.Length} views through WriteToOnlineStore at {seedRate:N0} rows/s");

        // The first driver keeps the original keys (entities_N), so earlier result lines stay comparable; others are prefixed.
        var figures = new JsonObject { ["seed_rows_per_s"] = Math.Round(seedRate) };
        foreach (var name in drivers)
        {
            using var driver = OnlineGetDriver.Open(name, channel, target.Grpc, ct);
            var windows = new OnlineGetWindows(common, target, redis?.Process.Id, driver, repo, entities, ct);
            foreach (var (perRequest, rate) in cases)
            {
                figures[$"{(name == drivers[0] ? "" : name + "_driver_")}entities_{perRequest}"] = await windows.MeasureAsync(perRequest, rate, duration, reps, warmup);
            }
        }
        var settings = new JsonObject
        {
            ["online_store"] = label, ["views"] = repo.Views.Length, ["features_per_view"] = repo.FeaturesPerView, ["entities"] = entities,
            ["seed_batch"] = seedBatch, ["drivers"] = string.Join(',', drivers), ["duration_s"] = duration.TotalSeconds, ["reps"] = reps, ["warmup_s"] = warmup.TotalSeconds,
            ["max_other_cores"] = common.Window.MaxOtherCores,
            ["server_env"] = string.Join(';', environment.Where(e => e.Key != "Mlops__Online__Redis").Select(e => $"{e.Key}={e.Value}")),
        };
        common.Results.Append(Name, $"{target.Backend}+{store}", settings, figures);

        if (raw && store == "redis")
        {
            var port = redis?.Port ?? int.Parse(endpoint!.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
            common.Results.Append("online-get-redis-benchmark", $"{target.Backend}+{store}", settings.DeepClone().AsObject(),
                await OnlineGetRaw.RunAsync(endpoint!, port, repo.Views.Length, entities, ct));
        }
    }

    private static string PersistenceOf(string appendFsync) =>
        appendFsync == "off" ? "no AOF, no RDB: nothing survives a restart" : $"AOF appendfsync {appendFsync}, no RDB";
}
