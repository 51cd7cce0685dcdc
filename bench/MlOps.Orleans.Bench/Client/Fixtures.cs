using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Client;

/// <summary>Experiments and runs a workload writes to; each gets a unique name so repeated runs on one server never collide.</summary>
internal static class Fixtures
{
    public static async Task<string> ExperimentAsync(TrackingService.TrackingServiceClient client, string purpose, CancellationToken ct)
    {
        var experiment = await client.CreateExperimentAsync(
            new CreateExperimentRequest { Name = $"bench-{purpose}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}" }, cancellationToken: ct);
        return experiment.ExperimentId;
    }

    public static async Task<string[]> RunsAsync(TrackingService.TrackingServiceClient client, string experimentId, int count, CancellationToken ct)
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            (await client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId, RunName = $"bench-{i}" }, cancellationToken: ct)).Info.RunId));
        return runs;
    }
}
