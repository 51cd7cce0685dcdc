using System.Globalization;
using System.Text.RegularExpressions;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>The one place that decides whether tracking input is acceptable; grains call it before any write.</summary>
public static partial class TrackingValidation
{
    [GeneratedRegex(@"^[/\w.\- :]*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9][\w\-]{0,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();

    /// <summary>The field an experiment id refusal names; an AlreadyExists naming it means the id is taken, so a minter draws again.</summary>
    public const string ExperimentIdField = "experiment_id";

    public static void ExperimentId(string? id, string field = ExperimentIdField)
    {
        if (string.IsNullOrEmpty(id)) throw MlopsException.Invalid(field, $"{field} is required");
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw MlopsException.Invalid(field, $"{field} '{Clip(id)}' is not an integer experiment id");
    }

    public static void RunId(string? id, string field = "run_id")
    {
        if (string.IsNullOrEmpty(id)) throw MlopsException.Invalid(field, $"{field} is required");
        if (!RunIdPattern().IsMatch(id)) throw MlopsException.Invalid(field, $"{field} '{Clip(id)}' is not a valid run id");
    }

    public static bool IsRunId(string? id) => !string.IsNullOrEmpty(id) && RunIdPattern().IsMatch(id);

    /// <summary>
    /// A run id recorded as the client sent it (MLflow REST keeps a model version's run_id as given, even "run_id_1"):
    /// any printable text up to 256 characters; whether it names a run is answered where it is read.
    /// </summary>
    public static void RecordedRunId(string? id, string field = "run_id")
    {
        if (string.IsNullOrEmpty(id)) return;
        if (id.Length > 256) throw MlopsException.Invalid(field, $"{field} is {id.Length} characters; at most 256 are allowed");
        if (id.Any(char.IsControl)) throw MlopsException.Invalid(field, $"{field} contains a control character");
    }

    public static void ExperimentName(string? name, string field = "name")
    {
        if (string.IsNullOrWhiteSpace(name)) throw MlopsException.Invalid(field, $"{field} must be a non-empty string");
        if (name.Length > TrackingLimits.MaxExperimentNameLength)
            throw MlopsException.Invalid(field, $"{field} is {name.Length} characters; at most {TrackingLimits.MaxExperimentNameLength} are allowed");
        NoControl(name, field);
    }

    public static void RunName(string? name)
    {
        if (name is null) return;
        if (name.Length > TrackingLimits.MaxRunNameLength)
            throw MlopsException.Invalid("run_name", $"run_name is {name.Length} characters; at most {TrackingLimits.MaxRunNameLength} are allowed");
        NoControl(name, "run_name");
    }

    public static void UserId(string? user)
    {
        if (user is not null && user.Length > TrackingLimits.MaxUserIdLength)
            throw MlopsException.Invalid("user_id", $"user_id is longer than {TrackingLimits.MaxUserIdLength} characters");
    }

    public static void ArtifactLocation(string? location)
    {
        if (location is not null && location.Length > TrackingLimits.MaxArtifactLocationLength)
            throw MlopsException.Invalid("artifact_location", $"artifact_location is longer than {TrackingLimits.MaxArtifactLocationLength} characters");
        // A location is text others resolve later: no control characters, and no NUL even percent-encoded.
        if (location is not null && (location.Any(char.IsControl) || location.Contains("%00", StringComparison.Ordinal)))
            throw MlopsException.Invalid("artifact_location", "artifact_location contains a control character or an encoded NUL");
    }

    /// <summary>Metric, param and tag keys: MLflow's character set, length, and no path tricks.</summary>
    public static void Key(string? key, string field)
    {
        if (string.IsNullOrEmpty(key)) throw MlopsException.Invalid(field, $"{field} must be a non-empty string");
        if (key.Length > TrackingLimits.MaxKeyLength)
            throw MlopsException.Invalid(field, $"{field} '{Clip(key)}' is {key.Length} characters; at most {TrackingLimits.MaxKeyLength} are allowed");
        if (!KeyPattern().IsMatch(key))
            throw MlopsException.Invalid(field, $"{field} '{Clip(key)}' may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)");
        if (!IsNormalPath(key))
            throw MlopsException.Invalid(field, $"{field} '{Clip(key)}' would resolve to a different path; use a normalized key");
    }

    public static void Value(string? value, int max, string field)
    {
        if (value is null) throw MlopsException.Invalid(field, $"{field} is required");
        if (value.Length > max)
            throw MlopsException.Invalid(field, $"{field} is {value.Length} characters; at most {max} are allowed");
    }

    public static void Metric(MetricPoint point, string field = "metric")
    {
        Key(point.Key, $"{field}.key");
    }

    public static void Batch(LogBatch batch)
    {
        if (batch.Metrics.Count > TrackingLimits.MaxBatchMetrics)
            throw MlopsException.Invalid("metrics", $"a batch may hold at most {TrackingLimits.MaxBatchMetrics} metrics; got {batch.Metrics.Count}");
        if (batch.Params.Count > TrackingLimits.MaxBatchParams)
            throw MlopsException.Invalid("params", $"a batch may hold at most {TrackingLimits.MaxBatchParams} params; got {batch.Params.Count}");
        if (batch.Tags.Count > TrackingLimits.MaxBatchTags)
            throw MlopsException.Invalid("tags", $"a batch may hold at most {TrackingLimits.MaxBatchTags} tags; got {batch.Tags.Count}");
        var total = batch.Metrics.Count + batch.Params.Count + batch.Tags.Count;
        if (total > TrackingLimits.MaxBatchEntries)
            throw MlopsException.Invalid("batch", $"a batch may hold at most {TrackingLimits.MaxBatchEntries} entries in all; got {total}");
        Metrics(batch.Metrics);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Params.Count; i++)
        {
            var (key, value) = batch.Params[i];
            Key(key, $"params[{i}].key");
            Value(value, TrackingLimits.MaxParamValueLength, $"params[{i}].value");
            if (seen.TryGetValue(key, out var earlier) && earlier != value)
                throw MlopsException.Invalid($"params[{i}]", $"param '{key}' appears twice in the batch with different values");
            seen[key] = value;
        }
        for (var i = 0; i < batch.Tags.Count; i++)
        {
            Key(batch.Tags[i].Key, $"tags[{i}].key");
            Value(batch.Tags[i].Value, TrackingLimits.MaxRunTagValueLength, $"tags[{i}].value");
        }
    }

    public static void Ingest(IngestBatch batch)
    {
        if (string.IsNullOrEmpty(batch.WriterId) || batch.WriterId.Length > 128)
            throw MlopsException.Invalid("writer_id", "writer_id must be 1 to 128 characters");
        if (batch.BatchSequence == 0) throw MlopsException.Invalid("batch_sequence", "batch_sequence starts at 1");
        if (batch.Metrics.Count > TrackingLimits.MaxIngestPoints)
            throw MlopsException.Invalid("metrics", $"an ingest message may hold at most {TrackingLimits.MaxIngestPoints} points; got {batch.Metrics.Count}");
        Metrics(batch.Metrics);
    }

    // A batch usually repeats a handful of keys: check each distinct key once (the regex is the costly part).
    private static void Metrics(IReadOnlyList<MetricPoint> metrics)
    {
        HashSet<string>? valid = null;
        for (var i = 0; i < metrics.Count; i++)
        {
            var key = metrics[i].Key;
            if (valid is not null && key is not null && valid.Contains(key)) continue;
            Metric(metrics[i], $"metrics[{i}]");
            (valid ??= new HashSet<string>(StringComparer.Ordinal)).Add(key!);
        }
    }

    public static void Inputs(IReadOnlyList<DatasetInput> inputs)
    {
        if (inputs.Count > TrackingLimits.MaxDatasetInputs)
            throw MlopsException.Invalid("datasets", $"at most {TrackingLimits.MaxDatasetInputs} dataset inputs per call; got {inputs.Count}");
        for (var i = 0; i < inputs.Count; i++)
        {
            var d = inputs[i];
            var f = $"datasets[{i}]";
            if (string.IsNullOrWhiteSpace(d.Name)) throw MlopsException.Invalid($"{f}.name", $"{f}.name is required");
            if (string.IsNullOrWhiteSpace(d.Digest)) throw MlopsException.Invalid($"{f}.digest", $"{f}.digest is required");
            Value(d.Name, 500, $"{f}.name");
            Value(d.Digest, 36, $"{f}.digest");
            Value(d.SourceType, 36, $"{f}.source_type");
            Value(d.Source, TrackingLimits.MaxDatasetFieldLength, $"{f}.source");
            Value(d.Schema, 1048576, $"{f}.schema");
            Value(d.Profile, TrackingLimits.MaxDatasetFieldLength, $"{f}.profile");
            foreach (var (k, v) in d.Tags)
            {
                Key(k, $"{f}.tags.key");
                Value(v, TrackingLimits.MaxRunTagValueLength, $"{f}.tags.value");
            }
        }
    }

    public static void Time(long? millis, string field)
    {
        if (millis is < 0) throw MlopsException.Invalid(field, $"{field} must not be negative");
    }

    private static void NoControl(string text, string field)
    {
        foreach (var c in text)
            if (char.IsControl(c)) throw MlopsException.Invalid(field, $"{field} must not contain control characters");
    }

    // MLflow refuses keys whose normalized path differs ('a//b', 'a/./b', '../x', '/x'): they would alias other keys
    // in artifact-like layouts.
    private static bool IsNormalPath(string key)
    {
        if (key.StartsWith('/')) return false;
        var parts = key.Split('/');
        foreach (var p in parts)
            if (p.Length == 0 || p == "." || p == "..") return false;
        return true;
    }

    private static string Clip(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 61), "...");
}
