using Grpc.Core;
using MlOps.Orleans.Tests.Features.Api;
using MlOps.Orleans.Tests.Infrastructure;
using Feat = MlOps.Orleans.Protos.Features.V1;
using static MlOps.Orleans.Tests.Features.FeatureFrames;

namespace MlOps.Orleans.Tests.Features.Online.Retrieval;

/// <summary>What the online serving tests share: a client, frames, an applied repository, pushes and reads.</summary>
public abstract class OnlineServingApiTestsBase(PlatformFixture platform)
{
    protected Feat.FeatureStoreService.FeatureStoreServiceClient Features { get; } = new(platform.Channel);

    protected PlatformFixture Platform => platform;

    protected async Task<OnlineRepo> ApplyAsync()
    {
        var repo = OnlineRepo.New();
        var request = new Feat.ApplyRequest();
        request.Files.Add(new Feat.RepositoryFile { Path = "online.yaml", Content = repo.Yaml });
        await Features.ApplyAsync(request);
        return repo;
    }

    protected async Task PushAsync(OnlineRepo repo, long driver, double? conv, long trips, DateTime at, DateTime? created = null,
        Feat.PushTarget to = Feat.PushTarget.OnlineAndOffline, string label = "x")
    {
        await Features.PushAsync(new Feat.PushRequest
        {
            PushSource = repo.Push,
            To = to,
            Rows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(driver)),
                Column("conv_rate", Feat.ValueType.Float64, conv is { } c ? F64(c) : new Feat.Value()),
                Column("trips", Feat.ValueType.Int64, I64(trips)),
                Column("label", Feat.ValueType.String, Str(label)),
                Column("event_timestamp", Feat.ValueType.Timestamp, Ts(at)),
                Column("created", Feat.ValueType.Timestamp, Ts(created ?? at))),
        });
    }

    protected Task<Feat.GetOnlineFeaturesResponse> GetAsync(OnlineRepo repo, long[] drivers, double bonus = 0, params string[] features)
    {
        var request = new Feat.GetOnlineFeaturesRequest
        {
            Entities = Frame(Column("driver_id", Feat.ValueType.Int64, drivers.Select(I64).ToArray())),
            RequestContext = Frame(Column("bonus", Feat.ValueType.Float64, drivers.Select(_ => F64(bonus)).ToArray())),
        };
        request.Features.AddRange(features.Length > 0 ? features : [$"{repo.Stats}:conv_rate", $"{repo.Stats}:trips", $"{repo.Stats}:label", $"{repo.Adjusted}:adjusted"]);
        return Features.GetOnlineFeaturesAsync(request).ResponseAsync;
    }

}

/// <summary>Online serving over real gRPC: statuses, newest-wins, on-demand features equal offline and online, refusals.</summary>
public abstract class OnlineServingApiTests(PlatformFixture platform) : OnlineServingApiTestsBase(platform)
{
    [Fact]
    public async Task Values_statuses_and_event_times_come_back_column_major()
    {
        var repo = await ApplyAsync();
        var now = DateTime.UtcNow;
        var fresh = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc).AddMinutes(-5);
        await PushAsync(repo, 1, 0.5, 12, fresh);
        await PushAsync(repo, 2, null, 3, fresh);
        await PushAsync(repo, 3, 0.25, 4, fresh.AddMinutes(-90));   // past the 1h ttl, within the store's grace: OUTSIDE_MAX_AGE

        var response = await GetAsync(repo, [1, 2, 3, 4], bonus: 1);
        Assert.Equal(["driver_id", "conv_rate", "trips", "label", "adjusted"], response.FeatureNames);
        Assert.Equal([Feat.ValueType.Int64, Feat.ValueType.Float64, Feat.ValueType.Int64, Feat.ValueType.String, Feat.ValueType.Float64], response.FeatureTypes);
        var conv = response.Results[1];
        Assert.Equal([0.5, 0, 0.25, 0], conv.Values.Select(v => v.DoubleVal));
        Assert.Equal([Feat.FeatureStatus.Present, Feat.FeatureStatus.NullValue, Feat.FeatureStatus.OutsideMaxAge, Feat.FeatureStatus.NotFound], conv.Statuses);
        Assert.Equal((fresh - DateTime.UnixEpoch).Ticks / 10, conv.EventTimestamps[0]);
        Assert.Equal(0, conv.EventTimestamps[3]);
        Assert.Equal(12, response.Results[2].Values[0].Int64Val);
        Assert.Equal("x", response.Results[3].Values[0].StringVal);
        // conv_rate * 2 + bonus; a null input gives null, a missing row too.
        Assert.Equal(2.0, response.Results[4].Values[0].DoubleVal);
        Assert.Equal(Feat.Value.KindOneofCase.None, response.Results[4].Values[1].KindCase);
        Assert.Equal([Feat.FeatureStatus.Present, Feat.FeatureStatus.NullValue, Feat.FeatureStatus.Present, Feat.FeatureStatus.NullValue], response.Results[4].Statuses);
    }

    [Fact]
    public async Task An_older_row_never_overwrites_a_newer_one()
    {
        var repo = await ApplyAsync();
        var t = DateTime.UtcNow.AddMinutes(-10);
        t = new DateTime(t.Ticks - t.Ticks % 10, DateTimeKind.Utc);
        await PushAsync(repo, 7, 0.9, 9, t);
        await PushAsync(repo, 7, 0.1, 1, t.AddMinutes(-1), to: Feat.PushTarget.Online);             // older event time
        await PushAsync(repo, 7, 0.2, 2, t, created: t.AddSeconds(-1), to: Feat.PushTarget.Online); // same event, older created
        Assert.Equal(0.9, (await GetAsync(repo, [7])).Results[1].Values[0].DoubleVal);
        await PushAsync(repo, 7, 0.3, 3, t, created: t.AddSeconds(1), to: Feat.PushTarget.Online);  // same event, newer created wins
        Assert.Equal(0.3, (await GetAsync(repo, [7])).Results[1].Values[0].DoubleVal);
        await PushAsync(repo, 7, 0.4, 4, t.AddMinutes(1), to: Feat.PushTarget.Online);
        Assert.Equal(0.4, (await GetAsync(repo, [7])).Results[1].Values[0].DoubleVal);
    }

    /// <summary>Duplicate entity rows each get their answer, in request order, whether the shard reads them through to the store
    /// (first request: key 9 was never written) or answers from memory (second request).</summary>
    [Fact]
    public async Task Duplicate_entity_rows_each_get_their_answer_in_request_order()
    {
        var repo = await ApplyAsync();
        var t = DateTime.UtcNow.AddMinutes(-5);
        await PushAsync(repo, 1, 0.5, 10, t);
        await PushAsync(repo, 2, 0.25, 20, t);
        for (var pass = 0; pass < 2; pass++)
        {
            var response = await GetAsync(repo, [9, 1, 9, 2, 1], 0, $"{repo.Stats}:trips");
            Assert.Equal([0L, 10, 0, 20, 10], response.Results[1].Values.Select(v => v.Int64Val));
            Assert.Equal([Feat.FeatureStatus.NotFound, Feat.FeatureStatus.Present, Feat.FeatureStatus.NotFound, Feat.FeatureStatus.Present,
                Feat.FeatureStatus.Present], response.Results[1].Statuses);
        }
    }

    /// <summary>Reads race writes (most are answered from shard memory in process, not by the grain): a reader never sees a key go
    /// back in time, and once a write is acknowledged no later read returns anything older.</summary>
    [Fact]
    public async Task Reads_racing_writes_never_go_back_and_always_see_acknowledged_writes()
    {
        var repo = await ApplyAsync();
        var start = DateTime.UtcNow.AddMinutes(-30);
        start = new DateTime(start.Ticks - start.Ticks % 10, DateTimeKind.Utc);
        const int Writes = 60;
        var acknowledged = 0L; // trips of the last acknowledged write
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var seen = 0L;
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                var floor = Interlocked.Read(ref acknowledged);
                var response = await GetAsync(repo, [5], 0, $"{repo.Stats}:trips");
                var trips = response.Results[1].Statuses[0] == Feat.FeatureStatus.Present ? response.Results[1].Values[0].Int64Val : 0;
                Assert.True(trips >= seen, $"a read went back from {seen} to {trips}");
                Assert.True(trips >= floor, $"a read after write {floor} was acknowledged returned {trips}");
                seen = trips;
                reads++;
            }
            return reads;
        })).ToList();
        for (var i = 1; i <= Writes; i++)
        {
            await PushAsync(repo, 5, i, i, start.AddSeconds(i), to: Feat.PushTarget.Online);
            Interlocked.Exchange(ref acknowledged, i);
        }
        await stop.CancelAsync();
        var counts = await Task.WhenAll(readers);
        Assert.All(counts, c => Assert.True(c > 0));
        var last = await GetAsync(repo, [5], 0, $"{repo.Stats}:trips");
        Assert.Equal(Writes, last.Results[1].Values[0].Int64Val);
    }

    [Fact]
    public async Task On_demand_features_are_the_same_offline_and_online()
    {
        var repo = await ApplyAsync();
        var t = DateTime.UtcNow.AddMinutes(-3);
        t = new DateTime(t.Ticks - t.Ticks % 10, DateTimeKind.Utc);
        var drivers = Enumerable.Range(1, 20).Select(i => (long)i).ToArray();
        foreach (var d in drivers) await PushAsync(repo, d, d * 0.37 + 0.001, d, t);

        var online = await GetAsync(repo, drivers, bonus: 0.5, $"{repo.Adjusted}:adjusted", $"{repo.Adjusted}:busy");
        var offline = new Feat.GetHistoricalFeaturesRequest
        {
            EntityRows = Frame(Column("driver_id", Feat.ValueType.Int64, drivers.Select(I64).ToArray()),
                Column("event_timestamp", Feat.ValueType.Timestamp, drivers.Select(_ => Ts(t.AddMinutes(1))).ToArray()),
                Column("bonus", Feat.ValueType.Float64, drivers.Select(_ => F64(0.5)).ToArray())),
            DatasetName = $"consistency-{repo.Stats}",
        };
        offline.Features.Add($"{repo.Adjusted}:adjusted");
        offline.Features.Add($"{repo.Adjusted}:busy");
        var set = await Features.GetHistoricalFeaturesAsync(offline);
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MlOps.Orleans.Artifacts.IArtifactStore>(Platform.Services);
        var (_, rows) = await ParquetRows.ReadAsync(store, set.ArtifactKey);
        for (var i = 0; i < drivers.Length; i++)
        {
            Assert.Equal((double)rows[i][3]!, online.Results[1].Values[i].DoubleVal);
            Assert.Equal((bool)rows[i][4]!, online.Results[2].Values[i].BoolVal);
        }
        Assert.Contains(online.Results[2].Values, v => v.BoolVal);
        Assert.Contains(online.Results[2].Values, v => !v.BoolVal);
    }

    [Fact]
    public async Task A_feature_service_and_full_names_name_the_columns_like_offline()
    {
        var repo = await ApplyAsync();
        await PushAsync(repo, 5, 0.5, 50, DateTime.UtcNow.AddMinutes(-1));
        var request = new Feat.GetOnlineFeaturesRequest
        {
            FeatureService = repo.Service, FullFeatureNames = true,
            Entities = Frame(Column("driver_id", Feat.ValueType.Int64, I64(5)), Column("bonus", Feat.ValueType.Float64, F64(0))),
        };
        var response = await Features.GetOnlineFeaturesAsync(request);
        Assert.Equal(["driver_id", "bonus", $"{repo.Stats}__conv_rate", $"{repo.Stats}__trips", $"{repo.Adjusted}__adjusted", $"{repo.Adjusted}__busy"], response.FeatureNames);
        Assert.True(response.Results[5].Values[0].BoolVal);
    }

    [Fact]
    public async Task Write_to_online_store_writes_one_view()
    {
        var repo = await ApplyAsync();
        var t = DateTime.UtcNow.AddMinutes(-2);
        var written = await Features.WriteToOnlineStoreAsync(new Feat.WriteToOnlineStoreRequest
        {
            FeatureView = repo.Stats,
            Rows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(11)), Column("conv_rate", Feat.ValueType.Float64, F64(0.75)),
                Column("event_timestamp", Feat.ValueType.Timestamp, Ts(t))),
        });
        Assert.Equal(1, written.Rows);
        var got = await GetAsync(repo, [11]);
        Assert.Equal(0.75, got.Results[1].Values[0].DoubleVal);
        Assert.Equal(Feat.FeatureStatus.NullValue, got.Results[2].Statuses[0]);
        var status = await Features.GetOnlineStoreStatusAsync(new());
        Assert.True(status.Reachable);
        Assert.True(status.HasData);
    }

    [Fact]
    public async Task Bad_online_requests_are_refused()
    {
        var repo = await ApplyAsync();
        await Rpc.Refuses(StatusCode.FailedPrecondition, async () => await GetAsync(repo, [1], 0, $"{repo.Offline}:trips"), repo.Offline, "not online");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetOnlineFeaturesAsync(new Feat.GetOnlineFeaturesRequest
        {
            Entities = Frame(Column("rider_id", Feat.ValueType.Int64, I64(1))), Features = { $"{repo.Stats}:trips" },
        }), "driver_id");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetOnlineFeaturesAsync(new Feat.GetOnlineFeaturesRequest
        {
            Entities = Frame(Column("driver_id", Feat.ValueType.Int64, I64(1))), Features = { $"{repo.Adjusted}:adjusted" },
        }), "bonus");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetOnlineFeaturesAsync(new Feat.GetOnlineFeaturesRequest
        {
            Features = { $"{repo.Stats}:trips" },
        }), "entities");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetOnlineFeaturesAsync(new Feat.GetOnlineFeaturesRequest
        {
            Entities = Frame(Column("driver_id", Feat.ValueType.Int64, Enumerable.Range(0, 10_001).Select(i => I64(i)).ToArray())), Features = { $"{repo.Stats}:trips" },
        }), "10000");
        await Rpc.Refuses(StatusCode.NotFound, async () => await GetAsync(repo, [1], 0, "missing_view:x"), "missing_view");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(new Feat.PushRequest
        {
            PushSource = repo.Push, To = (Feat.PushTarget)9, Rows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(1))),
        }), "push target");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.WriteToOnlineStoreAsync(new Feat.WriteToOnlineStoreRequest
        {
            FeatureView = "nope", Rows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(1))),
        }), "nope");
        await Rpc.Refuses(StatusCode.FailedPrecondition, async () => await Features.WriteToOnlineStoreAsync(new Feat.WriteToOnlineStoreRequest
        {
            FeatureView = repo.Offline, Rows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(1))),
        }), "not online");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.WriteToOnlineStoreAsync(new Feat.WriteToOnlineStoreRequest
        {
            FeatureView = repo.Stats, Rows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(1)), Column("conv_rate", Feat.ValueType.String, Str("high")),
                Column("event_timestamp", Feat.ValueType.Timestamp, Ts(DateTime.UtcNow))),
        }), "conv_rate");
        // Nothing from the refused writes is visible.
        Assert.Equal(Feat.FeatureStatus.NotFound, (await GetAsync(repo, [1])).Results[1].Statuses[0]);
    }
}

[Trait("Category", Category.Platform)]
public sealed class SqliteOnlineServingApiTests(SqlitePlatformFixture platform) : OnlineServingApiTests(platform), IClassFixture<SqlitePlatformFixture>;

/// <summary>The same suite with the online store in the Redis the test command started.</summary>
[Trait("Category", Category.Platform)]
public sealed class RedisOnlineServingApiTests(RedisPlatformFixture platform) : OnlineServingApiTests(platform), IClassFixture<RedisPlatformFixture>;
