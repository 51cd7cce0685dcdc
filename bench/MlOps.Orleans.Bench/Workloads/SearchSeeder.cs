using System.Diagnostics;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Fills an experiment the way a hyper-parameter sweep would: each run created with a tag, then one LogBatch with
/// <c>rmse</c> (uniform in [0, 1), so half the runs match <c>rmse &lt; 0.5</c>), <c>acc</c> and a param.
/// </summary>
internal static class SearchSeeder
{
    public static readonly string[] Models = ["tree", "linear"];
    public static readonly string[] Teams = ["a", "b", "c"];

    public static async Task<TimeSpan> SeedAsync(ChannelPool pool, string experimentId, int count, int concurrency, CancellationToken ct)
    {
        var errors = new ErrorLog(abortAfter: 20);
        var next = -1;
        var done = 0;
        var stopwatch = Stopwatch.StartNew();
        using var progress = new Timer(_ => Console.Error.WriteLine(
            $"#   seeded {Volatile.Read(ref done):N0}/{count:N0} runs in {stopwatch.Elapsed.TotalSeconds:0} s"), null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var client = pool.Client(w);
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    await SeedOneAsync(client, experimentId, i, ct);
                    Interlocked.Increment(ref done);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    errors.Add(e);
                }
            }
        }, ct)));
        if (errors.Count > 0) Console.Error.WriteLine($"#   WARNING {errors.Count} runs failed to seed: {errors.Describe()}");
        return stopwatch.Elapsed;
    }

    private static async Task SeedOneAsync(TrackingService.TrackingServiceClient client, string experimentId, int i, CancellationToken ct)
    {
        var random = new Random(i);
        var create = new CreateRunRequest { ExperimentId = experimentId, RunName = $"sweep-{i}" };
        create.Tags.Add(new Tag { Key = "team", Value = Teams[i % Teams.Length] });
        var run = await client.CreateRunAsync(create, cancellationToken: ct);
        var rmse = random.NextDouble();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batch = new LogBatchRequest { RunId = run.Info.RunId };
        batch.Metrics.Add(new Metric { Key = "rmse", Value = rmse, Timestamp = now, Step = 0 });
        batch.Metrics.Add(new Metric { Key = "acc", Value = 1 - rmse / 2 + random.NextDouble() * 0.01, Timestamp = now, Step = 0 });
        batch.Params.Add(new Param { Key = "model", Value = Models[i % Models.Length] });
        await client.LogBatchAsync(batch, cancellationToken: ct);
    }
}
