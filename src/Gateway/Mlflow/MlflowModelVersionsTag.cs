using System.Text.Json;
using System.Text.Json.Nodes;
using MlOps.Orleans.Contracts.Registry;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow 3's <c>mlflow.modelVersions</c> tag on a logged model: a JSON list of the versions registered from it. Its
/// server appends <c>{"name", "version": n}</c> when a version is created with a model_id, and its client appends its own
/// entry after that; both are kept as they come, so a 3.x client reads what it would read from MLflow.
/// </summary>
internal static class MlflowModelVersionsTag
{
    public const string Key = "mlflow.modelVersions";

    public static async Task AppendAsync(ILoggedModelGrain model, ModelVersionInfo version)
    {
        var current = await model.Get();
        JsonArray list;
        try
        {
            list = current.Tags.TryGetValue(Key, out var text) && JsonNode.Parse(text) is JsonArray parsed ? parsed : [];
        }
        catch (JsonException)
        {
            list = []; // a client wrote something else under the key; MLflow would also start a new list
        }
        if (list.Any(e => e?["name"]?.ToString() == version.ModelName && e?["version"]?.GetValueKind() == JsonValueKind.Number &&
                          e["version"]!.GetValue<long>() == version.Version))
            return;
        list.Add(new JsonObject { ["name"] = version.ModelName, ["version"] = version.Version });
        await model.SetTags(new Dictionary<string, string>(StringComparer.Ordinal) { [Key] = list.ToJsonString() });
    }
}
