using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Orleans.Runtime;
using Orleans.Streams;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Cluster;

/// <summary>Grain behaviour across a real two-silo cluster.</summary>
[Trait("Category", Category.Platform)]
public sealed class RunGrainClusterTests(TrackingClusterFixture fixture) : IClassFixture<TrackingClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    private async Task<string> NewExperiment()
    {
        var id = Random.Shared.NextInt64(1, 1L << 50).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Grains.GetGrain<IExperimentGrain>(id).Create(new CreateExperiment($"exp-{Guid.NewGuid():N}", null, new Dictionary<string, string>()));
        return id;
    }

    private async Task<IRunGrain> NewRun(string experimentId)
    {
        var run = Grains.GetGrain<IRunGrain>(Guid.NewGuid().ToString("N"));
        await run.Create(new CreateRun(experimentId, null, new Dictionary<string, string>(), null, "tester", null));
        return run;
    }

    /// <summary>
    /// Creates runs until one is active on each silo. Placement is free to choose, and right after a cluster forms it
    /// favours one silo, so runs are created at a pace within a deadline rather than in a burst.
    /// </summary>
    private async Task<Dictionary<string, IRunGrain>> RunOnEachSilo(string experimentId)
    {
        var silos = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress.ToString()).ToHashSet();
        Assert.Equal(2, silos.Count);
        var found = new Dictionary<string, IRunGrain>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (found.Count < 2 && DateTime.UtcNow < deadline)
        {
            var run = await NewRun(experimentId);
            var silo = await run.GetSilo();
            Assert.Contains(silo, silos);
            if (!found.TryAdd(silo, run)) await Task.Delay(100);
        }
        Assert.True(found.Count == 2, "in 30 s no run landed on the second silo");
        return found;
    }

    [Fact]
    public async Task Fifty_concurrent_batches_to_one_run_get_gapless_sequences()
    {
        var run = await NewRun(await NewExperiment());
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => run.LogBatch(new LogBatch(
            Enumerable.Range(0, 20).Select(j => new MetricPoint("m", j, 1, (i * 20) + j)).ToList(), [], []))));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => i * 20L), results.Select(r => r.LastSequence).Order());
        var stored = await run.ReadSince(0, 5000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), stored.Select(p => p.Sequence));
    }

    [Fact]
    public async Task Client_stream_subscriber_sees_points_from_runs_on_both_silos()
    {
        var runs = await RunOnEachSilo(await NewExperiment());
        var provider = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider);
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var handles = new List<StreamSubscriptionHandle<MetricBatchEvent>>();
        foreach (var run in runs.Values)
        {
            var stream = provider.GetStream<MetricBatchEvent>(StreamId.Create(StreamNames.RunMetrics, run.GetPrimaryKeyString()));
            handles.Add(await stream.SubscribeAsync((e, _) =>
            {
                received.AddOrUpdate(e.RunId, e.Points.Count, (_, n) => n + e.Points.Count);
                return Task.CompletedTask;
            }));
            await run.Watch(Guid.NewGuid(), TimeSpan.FromMinutes(1)); // a run publishes only while watched
        }
        try
        {
            foreach (var run in runs.Values)
                await run.LogBatch(new LogBatch(Enumerable.Range(0, 10).Select(s => new MetricPoint("m", s, 1, s)).ToList(), [], []));
            await Infrastructure.Rpc.Eventually(
                () => Task.FromResult(runs.Values.All(r => received.GetValueOrDefault(r.GetPrimaryKeyString()) == 10)), "points from both silos");
        }
        finally
        {
            foreach (var h in handles) await h.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task A_run_publishes_its_points_only_while_a_watch_lease_is_held()
    {
        var run = await NewRun(await NewExperiment());
        var stream = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<MetricBatchEvent>(StreamId.Create(StreamNames.RunMetrics, run.GetPrimaryKeyString()));
        var received = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var handle = await stream.SubscribeAsync((e, _) =>
        {
            foreach (var p in e.Points) received.Enqueue(p.Sequence);
            return Task.CompletedTask;
        });
        try
        {
            var watcher = Guid.NewGuid();
            await run.LogMetric(new MetricPoint("m", 1, 1, 1)); // sequence 1: nobody watches
            Assert.Equal(1, await run.Watch(watcher, TimeSpan.FromMinutes(1)));
            await run.LogMetric(new MetricPoint("m", 2, 1, 2)); // 2: watched
            // One stream keeps its order: once 2 has arrived, 1 would have arrived before it had it been published.
            await Infrastructure.Rpc.Eventually(() => Task.FromResult(received.Contains(2)), "the watched point");
            await run.Unwatch(watcher);
            await run.LogMetric(new MetricPoint("m", 3, 1, 3)); // 3: the lease ended
            await run.Watch(Guid.NewGuid(), TimeSpan.FromMinutes(1));
            await run.LogMetric(new MetricPoint("m", 4, 1, 4)); // 4: watched again
            await Infrastructure.Rpc.Eventually(() => Task.FromResult(received.Contains(4)), "the point after the second watch");
            Assert.Equal([2L, 4L], received.ToArray());

            var error = await Assert.ThrowsAsync<MlopsException>(() => run.Watch(Guid.NewGuid(), TimeSpan.FromHours(1)));
            Assert.Equal(ErrorCode.InvalidArgument, error.Code);
            Assert.Contains("lease", error.Message);
            var missing = await Assert.ThrowsAsync<MlopsException>(() => Grains.GetGrain<IRunGrain>(Guid.NewGuid().ToString("N")).Watch(Guid.NewGuid(), TimeSpan.FromMinutes(1)));
            Assert.Equal(ErrorCode.NotFound, missing.Code);
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task Run_state_survives_deactivation_and_is_reloaded_from_the_catalog()
    {
        var run = await NewRun(await NewExperiment());
        await run.LogBatch(new LogBatch([new MetricPoint("loss", 0.25, 5, 3)], [KeyValuePair.Create("lr", "0.1")], [KeyValuePair.Create("t", "v")]));
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var snapshot = await run.Get();
        Assert.Equal("0.1", snapshot.Params["lr"]);
        Assert.Equal(0.25, Assert.Single(snapshot.LatestMetrics).Value);
        Assert.Equal(1, snapshot.LastSequence);
        Assert.Equal(2, await run.LogMetric(new MetricPoint("loss", 0.2, 6, 4)));
    }

    [Fact]
    public async Task Concurrent_creates_of_one_experiment_name_on_both_silos_admit_exactly_one()
    {
        var name = $"race-{Guid.NewGuid():N}";
        var attempts = Enumerable.Range(0, 10).Select(async _ =>
        {
            var id = Random.Shared.NextInt64(1, 1L << 50).ToString(System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                await Grains.GetGrain<IExperimentGrain>(id).Create(new CreateExperiment(name, null, new Dictionary<string, string>()));
                return true;
            }
            catch (MlopsException e) when (e.Code == ErrorCode.AlreadyExists)
            {
                return false;
            }
        });
        Assert.Equal(1, (await Task.WhenAll(attempts)).Count(ok => ok));
        Assert.NotNull(await Grains.GetGrain<ITrackingQueryGrain>(0).FindExperimentId(name));
    }

    [Fact]
    public async Task Grain_refusals_cross_silos_as_typed_errors()
    {
        var runs = await RunOnEachSilo(await NewExperiment());
        foreach (var run in runs.Values)
        {
            await run.LogBatch(new LogBatch([], [KeyValuePair.Create("p", "1")], []));
            var e = await Assert.ThrowsAsync<MlopsException>(() => run.LogBatch(new LogBatch([], [KeyValuePair.Create("p", "2")], [])));
            Assert.Equal(ErrorCode.InvalidArgument, e.Code);
            Assert.Equal("params", e.Field);
        }
    }
}
