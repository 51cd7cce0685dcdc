using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Tests.Features.Online.Retrieval;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Cluster;

/// <summary>Shards spread over the silos; when a silo leaves, its shards come back on the other and read through to Redis.</summary>
[Trait("Category", Category.Platform)]
public sealed class OnlineClusterTests(OnlineClusterFixture fixture) : IClassFixture<OnlineClusterFixture>
{
    private const int Keys = 200;

    [Fact]
    public async Task Shards_live_on_both_silos_and_reads_continue_from_Redis_after_a_silo_leaves()
    {
        var grains = fixture.Cluster.Client;
        var repo = OnlineRepo.New();
        await grains.GetGrain<IFeatureRegistryGrain>("default").Apply([new RepositoryFile("online.yaml", repo.Yaml)], 0, "test");
        var at = DateTime.UtcNow.AddMinutes(-1);
        var ids = Enumerable.Range(1, Keys).Select(i => (object?)(long)i).ToArray();
        await grains.GetGrain<IOnlineFeatureGrain>(0).WriteToOnlineStore(repo.Stats, new FeatureFrame([
            new FrameColumn("driver_id", FeatureValueType.Int64, ids),
            new FrameColumn("conv_rate", FeatureValueType.Float64, ids.Select(i => (object?)((long)i! * 0.5)).ToArray()),
            new FrameColumn("event_timestamp", FeatureValueType.Timestamp, ids.Select(_ => (object?)at).ToArray()),
        ]));

        var request = new OnlineFeaturesRequest([$"{repo.Stats}:conv_rate"], "",
            new FeatureFrame([new FrameColumn("driver_id", FeatureValueType.Int64, ids)]), null, false);
        var before = await grains.GetGrain<IOnlineFeatureGrain>(0).GetOnlineFeatures(request);
        Assert.All(before.Columns[1].Statuses, s => Assert.Equal(FeatureStatus.Present, s));

        var shards = Enumerable.Range(0, 16).Select(s => grains.GetGrain<IOnlineFeatureShardGrain>(OnlineShards.GrainKey(OnlineViewBinding.KeySpaceOf(
            new FeatureViewSpec(repo.Stats, [repo.Driver], [], "", [], "", "", "", null, true, new Dictionary<string, string>(), "", "")), s))).ToList();
        var placed = await Task.WhenAll(shards.Select(s => s.Describe()));
        var silos = placed.Select(p => p.Silo).Distinct().ToList();
        Assert.Equal(2, silos.Count);
        Assert.Equal(Keys, placed.Sum(p => p.CachedRows));

        // The secondary silo dies; the shards it held activate on the primary, empty, and read every row back from Redis.
        var leaving = fixture.Cluster.SecondarySilos[0];
        await fixture.Cluster.KillSiloAsync(leaving);
        OnlineFeaturesResult? after = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (after is null)
        {
            try
            {
                after = await grains.GetGrain<IOnlineFeatureGrain>(0).GetOnlineFeatures(request);
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && e is not Xunit.Sdk.XunitException)
            {
                // Calls to activations on the dead silo fail until membership declares it dead.
                await Task.Delay(200);
            }
        }
        Assert.All(after.Columns[1].Statuses, s => Assert.Equal(FeatureStatus.Present, s));
        Assert.Equal(before.Columns[1].Values, after.Columns[1].Values);
        var replaced = await Task.WhenAll(shards.Select(s => s.Describe()));
        Assert.Single(replaced.Select(p => p.Silo).Distinct());
        Assert.DoesNotContain(leaving.SiloAddress.ToString(), replaced.Select(p => p.Silo));
    }
}
