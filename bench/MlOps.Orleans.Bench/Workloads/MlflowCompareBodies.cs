using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlOps.Orleans.Bench.Client;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// The request bodies of <c>mlflow-compare</c>, each a pure function of (round, client, position): whichever server a
/// round measures first builds them (<see cref="MlflowPairedRequests"/> keeps them for the second). Every log call gets
/// fresh steps (rounds are 10^8 steps apart), so neither server sees a duplicate it could skip.
/// </summary>
internal static class MlflowCompareBodies
{
    /// <summary>Distance between the steps (and timestamps) of two rounds.</summary>
    public const long RoundSpan = 100_000_000;
    private static readonly JsonEncodedText[] BatchKeys = Enumerable.Range(0, Payloads.KeysPerBatch).Select(i => JsonEncodedText.Encode($"train/metric_{i}")).ToArray();

    public static byte[] Experiment(string name) => Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["name"] = name }.ToJsonString());

    public static byte[] Run(string experimentId, string name, long startTime) =>
        Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["experiment_id"] = experimentId, ["run_name"] = name, ["start_time"] = startTime }.ToJsonString());

    /// <summary>One <c>runs/log-metric</c> point, the shape MLflow's Python client sends.</summary>
    public static byte[] LogMetric(string runId, long baseTime, int round, int client, long position) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"run_id\":\"{runId}\",\"key\":\"loss\",\"value\":{Unit(round, client, position, 0):R},\"timestamp\":{baseTime + round * RoundSpan + position},\"step\":{round * RoundSpan + position}}}"));

    /// <summary>One <c>runs/log-batch</c> of <paramref name="count"/> metrics: <see cref="Payloads.KeysPerBatch"/> keys × count/keys fresh steps.</summary>
    public static byte[] LogBatch(string runId, long baseTime, int round, int client, long position, int count)
    {
        var buffer = new ArrayBufferWriter<byte>(96 * count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("run_id", runId);
            json.WriteStartArray("metrics");
            var steps = count / Payloads.KeysPerBatch;
            for (var s = 0; s < steps; s++)
            {
                for (var k = 0; k < Payloads.KeysPerBatch; k++)
                {
                    json.WriteStartObject();
                    json.WriteString("key", BatchKeys[k]);
                    json.WriteNumber("value", Unit(round, client, position, s * Payloads.KeysPerBatch + k));
                    json.WriteNumber("timestamp", baseTime + round * RoundSpan + position);
                    json.WriteNumber("step", round * RoundSpan + position * steps + s);
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The metrics, param and tag of seeded search run <paramref name="index"/> (see <see cref="MlflowSearchSeedRun"/>).</summary>
    public static byte[] SearchSeed(string runId, MlflowSearchSeedRun run, long timestamp)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("run_id", runId);
            json.WriteStartArray("metrics");
            foreach (var (key, value) in new[] { ("rmse", run.Rmse), ("acc", run.Acc) })
            {
                json.WriteStartObject();
                json.WriteString("key", key);
                json.WriteNumber("value", value);
                json.WriteNumber("timestamp", timestamp);
                json.WriteNumber("step", 0);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("params");
            json.WriteStartObject();
            json.WriteString("key", "model");
            json.WriteString("value", run.Model);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("tags");
            json.WriteStartObject();
            json.WriteString("key", "team");
            json.WriteString("value", run.Team);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One <c>runs/search</c>: a random threshold on <c>rmse</c>, ordered by the other metric (<c>acc</c>), first 100;
    /// every other query also filters on the param, so both a metric-only and a mixed filter are timed.
    /// </summary>
    public static MlflowSearchQuery Search(string experimentId, int round, int client, long position)
    {
        var threshold = Math.Round(0.05 + 0.9 * Unit(round, client, position, 0), 3);
        var model = position % 2 == 1 ? MlflowSearchSeedRun.ModelName((int)(Unit(round, client, position, 1) * MlflowSearchSeedRun.Models)) : null;
        var filter = string.Create(CultureInfo.InvariantCulture, $"metrics.rmse < {threshold:0.000}") + (model is null ? "" : $" and params.model = '{model}'");
        var body = Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
        {
            ["experiment_ids"] = new System.Text.Json.Nodes.JsonArray(experimentId), ["filter"] = filter, ["run_view_type"] = "ACTIVE_ONLY",
            ["max_results"] = MlflowSearchQuery.Page, ["order_by"] = new System.Text.Json.Nodes.JsonArray("metrics.acc DESC"),
        }.ToJsonString());
        return new MlflowSearchQuery(body, threshold, model);
    }

    /// <summary>A uniform double in [0, 1) from its coordinates (SplitMix64), so any body can be rebuilt alike.</summary>
    public static double Unit(long a, long b, long c, long d)
    {
        var x = unchecked((ulong)a * 0x9E3779B97F4A7C15UL ^ (ulong)b * 0xC2B2AE3D27D4EB4FUL ^ (ulong)c * 0x165667B19E3779F9UL ^ (ulong)d * 0x27D4EB2F165667C5UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
