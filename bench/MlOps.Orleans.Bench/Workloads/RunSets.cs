using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Fresh runs for every window of an ingest workload, created before the measured windows: each window starts on empty
/// runs (as the older form did), but creating them is not inside the window, so neither its rate nor the server's CPU
/// per 1,000 values counts run creation.
/// </summary>
internal sealed class RunSets
{
    private readonly string[] _runs;
    private readonly int _perSet;
    private int _next;

    private RunSets(string[] runs, int perSet) => (_runs, _perSet) = (runs, perSet);

    /// <summary>Enough sets for a warm-up and <paramref name="windows"/> windows measured up to
    /// <see cref="WindowRules.MaxVoidRetries"/> times again.</summary>
    public static async Task<RunSets> CreateAsync(TrackingService.TrackingServiceClient client, string experiment, int perSet, int windows,
        CancellationToken ct)
    {
        var sets = 1 + windows * (1 + WindowRules.MaxVoidRetries);
        return new RunSets(await Fixtures.RunsAsync(client, experiment, perSet * sets, ct), perSet);
    }

    public string[] Next()
    {
        var first = _next * _perSet;
        if (first + _perSet > _runs.Length) throw new InvalidOperationException($"all {_runs.Length / _perSet} run sets were used");
        _next++;
        return _runs[first..(first + _perSet)];
    }
}
