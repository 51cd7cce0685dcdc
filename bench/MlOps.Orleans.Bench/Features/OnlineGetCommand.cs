using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Floors;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Bench.Stages;
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
        "[--seed-batch 1000] [--seed-concurrency 4] [--rate-one 2000] [--rate-hundred 200] [--duration 30] [--windows 3] [--warmup 10] [--floor-duration 10] [--floor-windows 1] [--drivers dotnet,raw[,raw-small-window]] [--cases 1,100] [--no-raw] [--stages]";

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
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windowCount = options.Int("windows", options.Int("reps", 3));
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", Math.Min(10, duration.TotalSeconds)));
        var floorWindows = options.Int("floor-windows", 1);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 10));
        var raw = !options.Flag("no-raw");
        var drivers = options.String("drivers", "dotnet,raw").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var stages = options.Flag("stages");
        options.RejectUnknown();
        if (drivers.Length == 0) throw new UsageException($"--drivers wants a comma list of {string.Join(", ", OnlineGetDriver.Names)}");
        if (drivers.FirstOrDefault(d => !OnlineGetDriver.Names.Contains(d)) is { } unknown)
            throw new UsageException($"--drivers: '{unknown}' is not one of {string.Join(", ", OnlineGetDriver.Names)}");
        if (store is not ("redis" or "sqlite")) throw new UsageException($"--store '{store}' is not redis or sqlite");
        if (store == "redis" && common.Target.Target is not null && redisEndpoint is null)
            throw new UsageException("--target with --store redis needs --redis HOST:PORT (the Redis that server uses)");

        using var redis = store == "redis" && redisEndpoint is null ? await BenchRedisServer.StartAsync(appendFsync, ct) : null;
        var endpoint = redis?.Endpoint ?? redisEndpoint;
        var environment = new Dictionary<string, string>(StageCapture.Environment(common.Target.ServerEnvironment, stages), StringComparer.Ordinal);
        if (store == "redis") environment["Mlops__Online__Redis"] = endpoint!;
        await using var target = await BenchTarget.OpenAsync(common.Target with { ServerEnvironment = environment }, ct);
        var stagesHttp = stages ? target.Http ?? throw new UsageException("--stages needs a server the bench starts (its HTTP port)") : null;
        using var channel = Channels.Open(target.Grpc);
        var client = new Feat.FeatureStoreService.FeatureStoreServiceClient(channel);

        var label = store == "redis" ? $"redis {endpoint} ({(redis is null ? "persistence as configured" : PersistenceOf(appendFsync))})" : "sqlite (embedded, WAL)";
        Console.Error.WriteLine($"# online-get: online store {label}; {Machine.Describe()}; load {OnlineGetWindows.LoadAverage()}");
        await repo.ApplyAsync(client, ct);
        var seedRate = await repo.SeedAsync(client, entities, seedBatch, seedConcurrency, ct);
        Console.Error.WriteLine($"# seeded {entities:N0} entities x {repo.Views.Length} views through WriteToOnlineStore at {seedRate:N0} rows/s");

        // Floors first, per case, just before its workload: raw Redis (one connection, the case's MGET) and the gRPC floor at
        // the case's rate with both drivers. Then every driver's windows of that case. The first driver keeps the original
        // keys (entities_N), so earlier result lines stay comparable; others are prefixed.
        var redisFloor = store == "redis"
            ? await OnlineGetRedisFloor.SeedAsync(endpoint!, PortOf(redis, endpoint!), repo.Views.Length, entities, ct) : null;
        var figures = new JsonObject { ["seed_rows_per_s"] = Math.Round(seedRate) };
        var open = drivers.Select(name => OnlineGetDriver.Open(name, channel, target.Grpc, ct)).ToList();
        try
        {
            foreach (var (perRequest, rate) in cases)
            {
                var floorJson = new JsonObject();
                if (redisFloor is not null)
                {
                    var requests = (int)Math.Clamp(rate * floorDuration.TotalSeconds, 1000, 200_000);
                    floorJson["redis"] = await redisFloor.MeasureAsync(perRequest, requests, ct);
                    Console.Error.WriteLine($"#   {perRequest} entities: raw Redis floor {floorJson["redis"]!.ToJsonString()}");
                }
                var floors = await GrpcFloor.MeasureAsync(common, target, target.Measured, redis?.Process.Id, channel, rate, floorDuration, floorWindows, warmup, ct);
                floorJson["grpc"] = new JsonObject(floors.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson())));
                figures[$"floors_entities_{perRequest}"] = floorJson;
                foreach (var driver in open)
                {
                    var windows = new OnlineGetWindows(common, target, redis?.Process.Id, driver, repo, entities, ct);
                    var (run, breakdown) = await StageCapture.AroundAsync(stagesHttp, () => windows.MeasureAsync(perRequest, rate, duration, windowCount, warmup), ct);
                    var report = Report(target, repo, perRequest, duration, run, floors, floorJson["redis"], common.RoundTag);
                    if (breakdown is not null) report["stages"] = breakdown.ToJson();
                    figures[$"{(driver.Name == drivers[0] ? "" : driver.Name + "_driver_")}entities_{perRequest}"] = report;
                }
            }
        }
        finally
        {
            foreach (var driver in open) driver.Dispose();
        }
        var settings = new JsonObject
        {
            ["online_store"] = label, ["views"] = repo.Views.Length, ["features_per_view"] = repo.FeaturesPerView, ["entities"] = entities,
            ["seed_batch"] = seedBatch, ["drivers"] = string.Join(',', drivers), ["duration_s"] = duration.TotalSeconds, ["windows"] = windowCount, ["warmup_s"] = warmup.TotalSeconds,
            ["floor_duration_s"] = floorDuration.TotalSeconds, ["floor_windows"] = floorWindows,
            ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
            ["server_env"] = string.Join(';', environment.Where(e => e.Key != "Mlops__Online__Redis").Select(e => $"{e.Key}={e.Value}")),
        };
        common.Results.Append(Name, $"{target.Backend}+{store}", settings, figures);

        if (raw && store == "redis")
        {
            common.Results.Append("online-get-redis-benchmark", $"{target.Backend}+{store}", settings.DeepClone().AsObject(),
                await OnlineGetRaw.RunAsync(endpoint!, PortOf(redis, endpoint!), repo.Views.Length, entities, ct));
        }
    }

    /// <summary>One case with one driver: the result line (stdout) and its JSON, with the floors and the targets.</summary>
    private static JsonObject Report(BenchTarget target, OnlineGetRepository repo, int perRequest, TimeSpan duration, LatencyRun run,
        IReadOnlyDictionary<string, LatencyRun> floors, JsonNode? redisFloor, string roundTag)
    {
        // Each driver against its own floor; the issue's targets are stated for the standard client (dotnet).
        var floor = floors.TryGetValue(run.Driver, out var own) ? own : floors["dotnet"];
        var checks = FloorTargets.Online(perRequest, run.Latency.P50, run.Latency.P99, floor.Latency.P50, floor.Latency.P99);
        var redis = redisFloor is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; raw Redis floor p50 {redisFloor["p50_ms"]} p99 {redisFloor["p99_ms"]} ms");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"online-get {target.Backend} driver {run.Driver} {perRequest} entities x {repo.References.Length} features at {run.Rate}/s, " +
            $"{run.Run.Planned} x {duration.TotalSeconds:0} s{roundTag}: {run}; achieved {run.AchievedMedian:0.0}/s; server {run.ServerCoresMedian:0.00} cores; " +
            $"{run.DescribeAboveFloor(floor)}{redis}; targets {string.Join("; ", checks)}"));
        var json = run.ToJson();
        json["entities_per_request"] = perRequest;
        json["above_floor"] = run.AboveFloor(floor);
        json["targets"] = new JsonArray(checks.Select(c => (JsonNode)c.ToJson()).ToArray());
        return json;
    }

    private static int PortOf(BenchRedisServer? redis, string endpoint) =>
        redis?.Port ?? int.Parse(endpoint.Split(':')[^1], CultureInfo.InvariantCulture);

    private static string PersistenceOf(string appendFsync) =>
        appendFsync == "off" ? "no AOF, no RDB: nothing survives a restart" : $"AOF appendfsync {appendFsync}, no RDB";
}
