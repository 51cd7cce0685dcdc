extern alias platform;

using System.Text.Json;
using platform::MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Bench.Stages;

/// <summary>
/// One answer of the server's <c>GET /debug/stages</c>: which process it is, and every stage histogram by stage and tags.
/// The bucket layout is checked against ours: a server of another build with other buckets could not be diffed.
/// </summary>
internal sealed record StageReading(string Role, string? Silo, int Pid, IReadOnlyDictionary<string, (string Stage, string Tags, StageSnapshot Snapshot)> Histograms)
{
    public static StageReading Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var layout = root.GetProperty("bucket_layout");
        if (layout.GetProperty("count").GetInt32() != LogBuckets.Count || layout.GetProperty("growth").GetDouble() != LogBuckets.Growth
            || layout.GetProperty("min_ms").GetDouble() != LogBuckets.MinMs)
        {
            throw new InvalidDataException($"/debug/stages uses another bucket layout ({layout.GetRawText()}) than this driver");
        }
        var process = root.GetProperty("process");
        var histograms = new Dictionary<string, (string, string, StageSnapshot)>(StringComparer.Ordinal);
        foreach (var s in root.GetProperty("stages").EnumerateArray())
        {
            var stage = s.GetProperty("stage").GetString()!;
            // Tags come sorted by name from the server, so the same tag set always gives the same text.
            var tags = string.Join(",", s.GetProperty("tags").EnumerateObject().Select(t => $"{t.Name}={t.Value.GetString()}"));
            var buckets = s.GetProperty("buckets").EnumerateArray().Select(b => (b[0].GetInt32(), b[1].GetInt64()));
            var snapshot = StageSnapshot.FromNonEmpty(buckets, s.GetProperty("count").GetInt64(), s.GetProperty("sum_ms").GetDouble());
            histograms[stage + " " + tags] = (stage, tags, snapshot);
        }
        return new StageReading(process.GetProperty("role").GetString()!,
            process.TryGetProperty("silo", out var silo) && silo.ValueKind == JsonValueKind.String ? silo.GetString() : null,
            process.GetProperty("pid").GetInt32(), histograms);
    }
}
