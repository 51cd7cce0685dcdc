using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Client;

/// <summary>Metric points the way a training loop produces them: a few keys, rising steps, every point new.</summary>
internal static class Payloads
{
    public const int KeysPerBatch = 10;

    /// <summary>
    /// <paramref name="count"/> points: <see cref="KeysPerBatch"/> keys × count/keys steps from <paramref name="firstStep"/>.
    /// Fresh steps matter: an identical point is stored once, and re-sending one would measure the duplicate check only.
    /// </summary>
    public static IEnumerable<Metric> Points(long firstStep, int count, long timestamp, Random random)
    {
        var steps = count / KeysPerBatch;
        for (var s = 0; s < steps; s++)
        {
            for (var k = 0; k < KeysPerBatch; k++)
                yield return new Metric { Key = Keys[k], Value = random.NextDouble(), Timestamp = timestamp, Step = firstStep + s };
        }
    }

    public static LogBatchRequest Batch(string runId, long firstStep, int count, Random random)
    {
        var request = new LogBatchRequest { RunId = runId };
        request.Metrics.AddRange(Points(firstStep, count, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), random));
        return request;
    }

    private static readonly string[] Keys = Enumerable.Range(0, KeysPerBatch).Select(i => $"train/metric_{i}").ToArray();
}
