using System.Net;
using Grpc.Core;
using MlOps.Orleans.Tests.Features;
using MlOps.Orleans.Tests.Features.Online.Retrieval;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.FeatureFrames;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Tests.Processes;

public sealed partial class MultiProcessClusterTests
{
    private const string ShardRead = "mlops.stage.online_shard_read";
    private const string GrainCall = "mlops.stage.grain_call";
    private const string Relay = "IOnlineFeatureGrain.GetOnlineFeatures";

    /// <summary>
    /// The standalone gateway reads the shard grains itself, a silo's own endpoints read them in process: the same requests get
    /// the same answers (present, null, expired and never-written entities; gRPC and Feast HTTP) and the same precise refusals.
    /// The silos' grain-call counts show the gateway never used the relay grain, except for on-demand features, which need the
    /// feature engine only a silo has; the gateway's own shard-read counts show it made the calls. An apply reaches its plans.
    /// </summary>
    [SkippableFact]
    public Task Online_answers_of_the_standalone_gateway_equal_a_silo_s_without_the_relay_grain() => cluster.Scope.RunAsync(async () =>
    {
        using var gatewayChannel = cluster.Gateway.CreateChannel();
        using var siloChannel = cluster.SiloA.CreateChannel();
        var gateway = new Feat.FeatureStoreService.FeatureStoreServiceClient(gatewayChannel);
        var silo = new Feat.FeatureStoreService.FeatureStoreServiceClient(siloChannel);
        var repo = OnlineRepo.New();
        var plain = $"plain_{repo.Service}";
        await ApplyAsync(gateway, repo, plain, "[conv_rate]");
        var fresh = DateTime.UtcNow.AddMinutes(-3);
        // Past the view's 1 h ttl and within the store's grace: OUTSIDE_MAX_AGE, with the value.
        var expired = DateTime.UtcNow.AddMinutes(-90);
        var drivers = Enumerable.Range(1, 45).Select(i => (long)i).ToArray();
        var written = await gateway.WriteToOnlineStoreAsync(new Feat.WriteToOnlineStoreRequest
        {
            FeatureView = repo.Stats,
            Rows = Frame(
                Column("driver_id", Feat.ValueType.Int64, [.. drivers.Select(I64)]),
                Column("conv_rate", Feat.ValueType.Float64, [.. drivers.Select(d => d == 5 ? new Feat.Value() : F64(d / 4.0))]),
                Column("trips", Feat.ValueType.Int64, [.. drivers.Select(d => I64(d * 3))]),
                Column("label", Feat.ValueType.String, [.. drivers.Select(d => Str($"d{d}"))]),
                Column("event_timestamp", Feat.ValueType.Timestamp, [.. drivers.Select(d => Ts(d > 40 ? expired : fresh))])),
        }, deadline: TrackingCalls.Deadline);
        Assert.Equal(drivers.Length, written.Rows);
        var relayedBefore = await RelayedAsync();
        var shardCallsBefore = await ProcessAnswers.StageCountAsync(cluster.Gateway, ShardRead, "path", "call");

        // Many shards and a never-written driver; one entity (the single-row path); a feature service with full names.
        var many = Request([.. drivers, 99], $"{repo.Stats}:conv_rate", $"{repo.Stats}:trips", $"{repo.Stats}:label");
        var one = Request([7], $"{repo.Stats}:trips");
        var service = new Feat.GetOnlineFeaturesRequest { FeatureService = plain, FullFeatureNames = true, Entities = Entities(3, 42) };
        foreach (var request in new[] { many, one, service })
        {
            Assert.Equal(await silo.GetOnlineFeaturesAsync(request, deadline: TrackingCalls.Deadline), await gateway.GetOnlineFeaturesAsync(request, deadline: TrackingCalls.Deadline));
        }
        var answer = await gateway.GetOnlineFeaturesAsync(many, deadline: TrackingCalls.Deadline);
        Assert.Equal([.. drivers.Select(d => d == 5 ? Feat.FeatureStatus.NullValue : d > 40 ? Feat.FeatureStatus.OutsideMaxAge : Feat.FeatureStatus.Present),
            Feat.FeatureStatus.NotFound], answer.Results[1].Statuses);
        Assert.Equal(44 * 3, answer.Results[2].Values[43].Int64Val);

        var feast = $$$"""{"features": ["{{{repo.Stats}}}:conv_rate", "{{{repo.Stats}}}:label"], "entities": {"driver_id": [1, 5, 44, 99]}}""";
        var feastOnSilo = await ProcessAnswers.PostAsync(cluster.SiloA, "/get-online-features", feast);
        Assert.Equal(HttpStatusCode.OK, feastOnSilo.Status);
        Assert.Equal(feastOnSilo, await ProcessAnswers.PostAsync(cluster.Gateway, "/get-online-features", feast));

        var refused = new (string Names, Feat.GetOnlineFeaturesRequest Request)[]
        {
            ("missing_view", Request([1], "missing_view:x")),
            ("no_such_feature", Request([1], $"{repo.Stats}:no_such_feature")),
            (repo.Offline, Request([1], $"{repo.Offline}:trips")),
            ("driver_id", new Feat.GetOnlineFeaturesRequest { Features = { $"{repo.Stats}:trips" }, Entities = Frame(Column("rider_id", Feat.ValueType.Int64, I64(1))) }),
            ("string value", new Feat.GetOnlineFeaturesRequest { Features = { $"{repo.Stats}:trips" }, Entities = Frame(Column("driver_id", Feat.ValueType.Int64, Str("seven"))) }),
        };
        foreach (var (names, request) in refused)
        {
            var onSilo = await ProcessAnswers.RefusalAsync(() => silo.GetOnlineFeaturesAsync(request, deadline: TrackingCalls.Deadline).ResponseAsync, names);
            Assert.Equal(onSilo, await ProcessAnswers.RefusalAsync(() => gateway.GetOnlineFeaturesAsync(request, deadline: TrackingCalls.Deadline).ResponseAsync, names));
            Assert.True(onSilo.Code is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition, $"{names}: {onSilo}");
            Assert.Contains(names, onSilo.Detail, StringComparison.Ordinal);
        }
        foreach (var body in new[]
        {
            """{"features": ["missing_view:x"], "entities": {"driver_id": [1]}}""",
            $$$"""{"features": ["{{{repo.Stats}}}:trips"], "entities": {"driver_id": [{"id": 1}]}}""",
        })
        {
            var onSilo = await ProcessAnswers.PostAsync(cluster.SiloA, "/get-online-features", body);
            Assert.True(onSilo.Status is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest, $"{body}: {onSilo}");
            Assert.Equal(onSilo, await ProcessAnswers.PostAsync(cluster.Gateway, "/get-online-features", body));
        }

        // Everything so far was read by the gateway itself: no relay call on either silo, shard calls made from the gateway.
        Assert.Equal(relayedBefore, await RelayedAsync());
        Assert.True(await ProcessAnswers.StageCountAsync(cluster.Gateway, ShardRead, "path", "call") >= shardCallsBefore + 4,
            "the gateway recorded no shard grain calls of its own");

        // On-demand outputs need the feature engine: the gateway sends those requests, and only those, to the relay grain.
        var onDemand = Request([1, 2, 99], $"{repo.Stats}:conv_rate", $"{repo.Adjusted}:adjusted");
        onDemand.RequestContext = Frame(Column("bonus", Feat.ValueType.Float64, F64(1), F64(2), F64(3)));
        Assert.Equal(await silo.GetOnlineFeaturesAsync(onDemand, deadline: TrackingCalls.Deadline), await gateway.GetOnlineFeaturesAsync(onDemand, deadline: TrackingCalls.Deadline));
        Assert.Equal(relayedBefore + 1, await RelayedAsync());

        // The gateway keeps the service's plan until the definitions' revision moves; after this apply it names trips too.
        await ApplyAsync(gateway, repo, plain, "[conv_rate, trips]");
        await Rpc.Eventually(async () => (await gateway.GetOnlineFeaturesAsync(service, deadline: TrackingCalls.Deadline)).FeatureNames.Contains($"{repo.Stats}__trips"),
            "the gateway to resolve the feature service again after the apply", seconds: 15);
        await Rpc.Eventually(async () => Equals(await silo.GetOnlineFeaturesAsync(service, deadline: TrackingCalls.Deadline),
            await gateway.GetOnlineFeaturesAsync(service, deadline: TrackingCalls.Deadline)), "the silo and the gateway to agree after the apply", seconds: 15);
    });

    private static Feat.Frame Entities(params long[] drivers) => Frame(Column("driver_id", Feat.ValueType.Int64, [.. drivers.Select(I64)]));

    private static Feat.GetOnlineFeaturesRequest Request(long[] drivers, params string[] features)
    {
        var request = new Feat.GetOnlineFeaturesRequest { Entities = Entities(drivers) };
        request.Features.Add(features);
        return request;
    }

    /// <summary>Online reads relayed through the worker grain, on either silo (the gateway's call lands on one of them).</summary>
    private async Task<long> RelayedAsync() =>
        await ProcessAnswers.StageCountAsync(cluster.SiloA, GrainCall, "grain", Relay) + await ProcessAnswers.StageCountAsync(cluster.SiloB, GrainCall, "grain", Relay);

    /// <summary>The repository plus a feature service without on-demand views, whose features the second apply changes.</summary>
    private static async Task ApplyAsync(Feat.FeatureStoreService.FeatureStoreServiceClient client, OnlineRepo repo, string service, string statsFeatures)
    {
        var apply = new Feat.ApplyRequest();
        apply.Files.Add(new Feat.RepositoryFile
        {
            Path = "online.yaml",
            Content = repo.Yaml + $"\n  - name: {service}\n    features:\n      - {repo.Stats}: {statsFeatures}\n",
        });
        await client.ApplyAsync(apply, deadline: TrackingCalls.Deadline);
    }
}
