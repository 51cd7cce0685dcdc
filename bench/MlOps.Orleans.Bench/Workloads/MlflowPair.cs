using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Ours and the real MLflow server side by side. Experiments and runs are created on both from the same bytes, then
/// MLflow's get the ids ours minted (<see cref="MlflowStoreIds"/>), so every later body is byte-identical for both.
/// </summary>
internal sealed class MlflowPair(Uri ours, MlflowReferenceServer theirs)
{
    public const int Ours = 0;
    public const int Theirs = 1;
    private const int SetupConnections = 4;

    public Uri OursEndpoint { get; } = ours;
    public MlflowReferenceServer Reference { get; } = theirs;

    public Uri Endpoint(int server) => server == Ours ? OursEndpoint : Reference.Http;

    public static string Name(int server) => server == Ours ? "ours" : "mlflow";

    public HttpClient[] Open(int server, int count) => Enumerable.Range(0, count).Select(_ => MlflowHttp.Open(Endpoint(server))).ToArray();

    public async Task<string> ExperimentAsync(string name, CancellationToken ct)
    {
        var body = MlflowCompareBodies.Experiment(name);
        using var oursHttp = MlflowHttp.Open(OursEndpoint);
        using var theirsHttp = MlflowHttp.Open(Reference.Http);
        var id = await MlflowHttp.CreateExperimentAsync(oursHttp, body, ct);
        var theirsId = await MlflowHttp.CreateExperimentAsync(theirsHttp, body, ct);
        MlflowStoreIds.RenameExperiment(Reference.Database, theirsId, id);
        return id;
    }

    /// <summary>Runs named <c>{prefix}-{i}</c> in the experiment, on both servers, under ours' ids.</summary>
    public async Task<string[]> RunsAsync(string experimentId, string prefix, int count, long startTime, CancellationToken ct)
    {
        var ids = new string[count];
        var pairs = new (string Theirs, string Ours)[count];
        var oursHttp = Open(Ours, SetupConnections);
        var theirsHttp = Open(Theirs, SetupConnections);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, SetupConnections).Select(async c =>
            {
                for (var i = c; i < count; i += SetupConnections)
                {
                    var body = MlflowCompareBodies.Run(experimentId, $"{prefix}-{i}", startTime);
                    ids[i] = await MlflowHttp.CreateRunAsync(oursHttp[c], body, ct);
                    pairs[i] = (await MlflowHttp.CreateRunAsync(theirsHttp[c], body, ct), ids[i]);
                }
            }));
        }
        finally
        {
            foreach (var h in oursHttp.Concat(theirsHttp)) h.Dispose();
        }
        MlflowStoreIds.RenameRuns(Reference.Database, pairs);
        return ids;
    }

    /// <summary>Posts the same prepared bodies to both servers, <see cref="SetupConnections"/> at a time (seeding, not measured).</summary>
    public async Task PostBothAsync(string route, IReadOnlyList<byte[]> bodies, CancellationToken ct)
    {
        foreach (var server in new[] { Ours, Theirs })
        {
            var http = Open(server, SetupConnections);
            try
            {
                await Task.WhenAll(Enumerable.Range(0, SetupConnections).Select(async c =>
                {
                    for (var i = c; i < bodies.Count; i += SetupConnections) await MlflowHttp.PostAsync(http[c], route, bodies[i], ct);
                }));
            }
            finally
            {
                foreach (var h in http) h.Dispose();
            }
        }
    }
}
