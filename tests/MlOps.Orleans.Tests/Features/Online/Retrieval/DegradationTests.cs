using System.Net;
using Grpc.Core;
using MlOps.Orleans.Tests.Features.Online.Store;
using MlOps.Orleans.Tests.Infrastructure;
using StackExchange.Redis;
using Feat = MlOps.Orleans.Protos.Features.V1;
using static MlOps.Orleans.Tests.Features.FeatureFrames;

namespace MlOps.Orleans.Tests.Features.Online.Retrieval;

/// <summary>The embedded platform over a Redis of its own (AOF, fsync always) that the test kills, restarts and flushes.</summary>
public sealed class PrivateRedisPlatformFixture : PlatformFixture, IAsyncLifetime
{
    internal PrivateRedis? Redis { get; private set; }

    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync()
    {
        Redis = await PrivateRedis.StartAsync();
        return new Dictionary<string, string?> { ["Mlops:Mode"] = "Embedded", ["Mlops:Online:Redis"] = Redis.Endpoint };
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
    }
}

/// <summary>
/// Redis down: rows held by shards keep being served, misses answer UNAVAILABLE naming the online store, writes are refused
/// (never dropped); service resumes by itself when Redis is back; after a flush the online readiness reports the store empty.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class DegradationTests(PrivateRedisPlatformFixture platform) : OnlineServingApiTestsBase(platform), IClassFixture<PrivateRedisPlatformFixture>
{
    [Fact]
    public async Task Cached_reads_survive_Redis_down_misses_and_writes_are_refused_and_service_resumes()
    {
        var redis = platform.Redis!;
        var repo = await ApplyAsync();
        var at = DateTime.UtcNow.AddMinutes(-5);
        await PushAsync(repo, 1, 0.5, 5, at, to: Feat.PushTarget.OnlineAndOffline);
        await PushAsync(repo, 2, 0.25, 2, at, to: Feat.PushTarget.OnlineAndOffline);
        Assert.Equal(0.5, (await GetAsync(repo, [1, 2])).Results[1].Values[0].DoubleVal);
        Assert.Equal(HttpStatusCode.OK, (await platform.Http.GetAsync("/health/online")).StatusCode);

        redis.Kill();
        var cached = await GetAsync(repo, [1, 2]);
        Assert.Equal([0.5, 0.25], cached.Results[1].Values.Select(v => v.DoubleVal));
        await Rpc.Refuses(StatusCode.Unavailable, async () => await GetAsync(repo, [1, 99]), "online store unavailable");
        await Rpc.Refuses(StatusCode.Unavailable, async () => await PushAsync(repo, 3, 0.75, 7, at, to: Feat.PushTarget.OnlineAndOffline), "online store unavailable");
        var down = await platform.Http.GetAsync("/health/online");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("unreachable", await down.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await redis.RestartAsync();
        Feat.GetOnlineFeaturesResponse? resumed = null;
        await Rpc.Eventually(async () =>
        {
            try
            {
                resumed = await GetAsync(repo, [1, 2, 3, 99]);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, "online reads to resume after Redis restarted", seconds: 30);
        // AOF kept the acknowledged rows; the refused write never happened.
        Assert.Equal([Feat.FeatureStatus.Present, Feat.FeatureStatus.Present, Feat.FeatureStatus.NotFound, Feat.FeatureStatus.NotFound], resumed!.Results[1].Statuses);
        await PushAsync(repo, 3, 0.75, 7, at, to: Feat.PushTarget.OnlineAndOffline);
        Assert.Equal(0.75, (await GetAsync(repo, [3])).Results[1].Values[0].DoubleVal);

        await using (var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.Endpoint},allowAdmin=true"))
        {
            await connection.GetServers()[0].FlushAllDatabasesAsync();
        }
        var empty = await platform.Http.GetAsync("/health/online");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, empty.StatusCode);
        Assert.Contains("online store is empty", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Materializing the view's ttl window from the offline store (the refused push never reached it) fills the store again.
        var now = DateTime.UtcNow;
        var job = await Features.MaterializeAsync(new Feat.MaterializeRequest
        {
            FeatureViews = { repo.Stats }, Wait = true,
            StartMicros = (now.AddHours(-1) - DateTime.UnixEpoch).Ticks / 10, EndMicros = (now - DateTime.UnixEpoch).Ticks / 10,
        });
        Assert.Equal(Feat.MaterializationStatus.Succeeded, job.Status);
        Assert.Equal(3, job.Views.Single().RowsWritten);
        Assert.Equal(HttpStatusCode.OK, (await platform.Http.GetAsync("/health/online")).StatusCode);
        Assert.Equal([0.5, 0.25, 0.75], (await GetAsync(repo, [1, 2, 3])).Results[1].Values.Select(v => v.DoubleVal));
    }
}
