using System.Text.Json;
using System.Text.Json.Nodes;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow 2's <c>runs/log-model</c> body: the model's MLmodel as a JSON string, and the run tag that lists them.</summary>
internal static class MlflowLogModelJson
{
    /// <summary>The run tag MLflow 2 appends each logged model's MLmodel to (a JSON list).</summary>
    public const string HistoryTag = "mlflow.log-model.history";

    /// <summary>The logged-model tag saying the entry came from a 2.x client's runs/log-model.</summary>
    public const string SourceTag = "mlops.logged_from";

    public sealed record Model(JsonObject Json, string ArtifactPath, string Name, string Flavors);

    public static Model Parse(string text)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(text) as JsonObject ?? throw MlopsException.Invalid("model_json", "model_json must be a JSON object (the model's MLmodel)");
        }
        catch (JsonException e)
        {
            throw MlopsException.Invalid("model_json", $"model_json is not valid JSON: {e.Message}");
        }
        var path = json["artifact_path"]?.GetValueKind() == JsonValueKind.String ? (string)json["artifact_path"]! : null;
        if (string.IsNullOrEmpty(path)) throw MlopsException.Invalid("model_json", "model_json has no artifact_path (the model's folder in the run)");
        ArtifactPath.Directory(path, "model_json.artifact_path");
        if (json["flavors"] is not JsonObject flavors || flavors.Count == 0) throw MlopsException.Invalid("model_json", "model_json has no flavors");
        // A logged model's name may not hold / : . % " ' (MLflow 3's rule); the folder's last segment, with those replaced.
        var name = string.Concat(path[(path.LastIndexOf('/') + 1)..].Select(ch => "/:.%\"'".Contains(ch, StringComparison.Ordinal) ? '-' : ch));
        return new Model(json, path, name.Length == 0 ? "model" : name, string.Join(",", flavors.Select(f => f.Key).Where(k => k != "python_function")));
    }

    /// <summary>The history with this model appended; the oldest entries go first when it would outgrow a tag value.</summary>
    public static string AppendHistory(string? current, JsonObject model)
    {
        JsonArray list;
        try
        {
            list = current is not null && JsonNode.Parse(current) is JsonArray parsed ? parsed : [];
        }
        catch (JsonException)
        {
            list = [];
        }
        list.Add(model.DeepClone());
        while (list.Count > 1 && list.ToJsonString().Length > TrackingLimits.MaxRunTagValueLength) list.RemoveAt(0);
        var text = list.ToJsonString();
        return text.Length <= TrackingLimits.MaxRunTagValueLength ? text : throw MlopsException.Invalid("model_json",
            $"model_json is {model.ToJsonString().Length} characters; a run's {HistoryTag} tag holds at most {TrackingLimits.MaxRunTagValueLength}");
    }
}
