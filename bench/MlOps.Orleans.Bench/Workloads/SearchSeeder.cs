using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Fills an experiment the way a hyper-parameter sweep would: each run created with a tag (<c>team</c>), then one
/// LogBatch with <c>rmse</c>, <c>acc</c> and <c>loss</c> (see <see cref="SearchSeededRun.For"/>) and a param
/// (<c>model</c>). Returns what it seeded, so every search can be checked against a brute-force answer.
/// </summary>
internal static class SearchSeeder
{
    private const string NamePrefix = "sweep-";

    public static async Task<(TimeSpan Took, IReadOnlyList<SearchSeededRun> Runs)> SeedAsync(ChannelPool pool, string experimentId, int count,
        int concurrency, CancellationToken ct)
    {
        var errors = new ErrorLog(abortAfter: 20);
        var seeded = new ConcurrentBag<SearchSeededRun>();
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        using var progress = new Timer(_ => Console.Error.WriteLine(
            $"#   seeded {seeded.Count:N0}/{count:N0} runs in {stopwatch.Elapsed.TotalSeconds:0} s"), null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var client = pool.Client(w);
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    seeded.Add(await SeedOneAsync(client, experimentId, i, ct));
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    errors.Add(e);
                }
            }
        }, ct)));
        // A run that failed to seed may still exist half-written on the server: the brute force could not be trusted.
        if (errors.Count > 0) throw new InvalidOperationException($"{errors.Count} runs failed to seed: {errors.Describe()}");
        return (stopwatch.Elapsed, seeded.OrderBy(r => r.Index).ToList());
    }

    /// <summary>
    /// The seeded runs of an experiment seeded earlier (<c>--experiment</c>): ids and names read back page by page, values
    /// recomputed from the index in each run's name. Runs of other names (the ingest load's) are not seeded runs.
    /// </summary>
    public static async Task<IReadOnlyList<SearchSeededRun>> RecoverAsync(TrackingService.TrackingServiceClient client, string experimentId, CancellationToken ct)
    {
        var runs = new List<SearchSeededRun>();
        var token = "";
        do
        {
            var request = new SearchRunsRequest { MaxResults = 10_000, PageToken = token };
            request.ExperimentIds.Add(experimentId);
            var page = await client.SearchRunsAsync(request, cancellationToken: ct);
            foreach (var run in page.Runs)
                if (run.Info.RunName.StartsWith(NamePrefix, StringComparison.Ordinal) &&
                    int.TryParse(run.Info.RunName.AsSpan(NamePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    runs.Add(SearchSeededRun.For(run.Info.RunId, index));
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return runs;
    }

    private static async Task<SearchSeededRun> SeedOneAsync(TrackingService.TrackingServiceClient client, string experimentId, int i, CancellationToken ct)
    {
        var create = new CreateRunRequest { ExperimentId = experimentId, RunName = NamePrefix + i.ToString(CultureInfo.InvariantCulture) };
        create.Tags.Add(new Tag { Key = "team", Value = SearchSeededRun.Teams[i % SearchSeededRun.Teams.Length] });
        var run = await client.CreateRunAsync(create, cancellationToken: ct);
        var seeded = SearchSeededRun.For(run.Info.RunId, i);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batch = new LogBatchRequest { RunId = run.Info.RunId };
        batch.Metrics.Add(new Metric { Key = "rmse", Value = seeded.Rmse, Timestamp = now, Step = 0 });
        batch.Metrics.Add(new Metric { Key = "acc", Value = seeded.Acc, Timestamp = now, Step = 0 });
        batch.Metrics.Add(new Metric { Key = "loss", Value = seeded.Loss, Timestamp = now, Step = 0 });
        batch.Params.Add(new Param { Key = "model", Value = seeded.Model });
        await client.LogBatchAsync(batch, cancellationToken: ct);
        return seeded;
    }
}
