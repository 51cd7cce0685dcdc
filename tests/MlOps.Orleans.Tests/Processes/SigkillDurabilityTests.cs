using Xunit.Abstractions;
using MlOps.Orleans.Tests.Infrastructure;
using Api = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>An acknowledged write survives the process being killed right after the acknowledgement.</summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Slow)]
public sealed class SigkillDurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SinglePoints = 200;
    private const int Batches = 20;
    private const int PointsPerBatch = 500;
    private const int StreamBatches = 40;
    private const int PointsPerStreamBatch = 1000;
    private const ulong KillAtStreamAck = 30;
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public Task Embedded_SQLite_process_returns_every_acknowledged_write_after_SIGKILL() => _scope.RunAsync(async () =>
    {
        var dataDir = _scope.CreateDirectory("data");
        var first = await _scope.StartEmbeddedAsync("embedded-1", dataDir, PlatformPorts.Allocate());

        await AssertAcknowledgedWritesSurviveKillAsync(first, () => _scope.StartEmbeddedAsync("embedded-2", dataDir, PlatformPorts.Allocate()));
    });

    [SkippableFact]
    public Task Cluster_silo_on_PostgreSQL_returns_every_acknowledged_write_after_SIGKILL() => _scope.RunAsync(async () =>
    {
        var postgres = await _scope.CreatePostgresDatabaseAsync();
        var clusterId = "durability-" + Guid.NewGuid().ToString("N")[..8];
        // The restarted silo takes the dead one's endpoint, as a restarted host would, so the cluster replaces it at once.
        var ports = PlatformPorts.Allocate();
        var first = await _scope.StartClusterSiloAsync("silo-1", postgres, clusterId, ports);

        await AssertAcknowledgedWritesSurviveKillAsync(first, () => _scope.StartClusterSiloAsync("silo-2", postgres, clusterId, ports));
    });

    private async Task AssertAcknowledgedWritesSurviveKillAsync(PlatformProcess first, Func<Task<PlatformProcess>> restart)
    {
        DurabilityWorkload workload;
        using (var channel = first.CreateChannel())
        {
            var client = new Api.TrackingService.TrackingServiceClient(channel);
            var experimentId = await TrackingCalls.CreateExperimentAsync(client, "durability");
            var runId = await TrackingCalls.CreateRunAsync(client, experimentId, "sigkill");
            workload = new DurabilityWorkload(client, runId);
            await workload.LogParamsAndTagsAsync();
            await workload.LogSingleMetricsAsync(SinglePoints);
            _scope.Log($"{SinglePoints} LogMetric calls acknowledged");
            await workload.LogBatchesAsync(Batches, PointsPerBatch);
            _scope.Log($"{Batches} LogBatch calls of {PointsPerBatch} acknowledged");
            await workload.IngestAndKillAsync(StreamBatches, PointsPerStreamBatch, KillAtStreamAck, first.Kill);
            _scope.Log($"killed {first.Name} at stream ack {workload.StreamDurableSequence} of {StreamBatches} batches sent");
        }
        Assert.True(first.HasExited, $"{first.Name} still runs after SIGKILL");
        // Guards against a vacuous pass: the workload really was acknowledged before the kill.
        Assert.True(workload.Acknowledged.Count >= SinglePoints + Batches * PointsPerBatch + (int)KillAtStreamAck * PointsPerStreamBatch,
            $"only {workload.Acknowledged.Count} points were acknowledged");

        var second = await restart();
        using var restartedChannel = second.CreateChannel();
        var problems = await workload.FindProblemsAsync(new Api.TrackingService.TrackingServiceClient(restartedChannel));
        _scope.Log($"checked {workload.Acknowledged.Count} acknowledged points, {workload.Params.Count} params, {workload.Tags.Count} tags");

        Assert.True(problems.Count == 0,
            $"after SIGKILL at stream ack {workload.StreamDurableSequence} and a restart: {string.Join("; ", problems)}");
    }
}
