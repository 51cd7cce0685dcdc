using System.Text.Json;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// Parses one side of an MLflow signature, the JSON string MLflow stores in <c>signature.inputs</c> or
/// <c>signature.outputs</c>. Only the structure is checked here; whether a type can be served is the onnx flavor's
/// question (<see cref="MlflowTypes"/>), since a Python-only model may use any type MLflow knows.
/// </summary>
internal static class MlflowSchemaReader
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    /// <param name="json">The JSON string.</param>
    /// <param name="field">Where it came from, for messages: <c>MLmodel field signature.inputs</c>.</param>
    public static MlflowSchema Read(string json, string field)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Strict);
        }
        catch (JsonException ex)
        {
            throw Invalid($"{field} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                throw Invalid($"{field} must be a JSON list of at least one column or tensor");
            }

            var columns = new List<MlflowColumn>();
            var tensors = new List<MlflowTensor>();
            var index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var at = $"{field}[{index++}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"{at} must be a JSON object");
                }

                var type = String(entry, "type", at) ?? throw Invalid($"{at}.type is missing");
                if (type == "tensor")
                {
                    tensors.Add(Tensor(entry, at));
                }
                else
                {
                    columns.Add(new MlflowColumn(String(entry, "name", at), type, Bool(entry, "required", at) ?? true));
                }
            }

            if (columns.Count > 0 && tensors.Count > 0)
            {
                throw Invalid($"{field} mixes tensors and columns; MLflow's signature is one or the other");
            }

            CheckUniqueNames(columns.Select(column => column.Name).Concat(tensors.Select(tensor => tensor.Name)), field);
            return new MlflowSchema(columns, tensors);
        }
    }

    private static MlflowTensor Tensor(JsonElement entry, string at)
    {
        if (!entry.TryGetProperty("tensor-spec", out var spec) || spec.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{at}.tensor-spec must be a JSON object with dtype and shape");
        }

        var dtype = String(spec, "dtype", $"{at}.tensor-spec") ?? throw Invalid($"{at}.tensor-spec.dtype is missing");
        if (!spec.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{at}.tensor-spec.shape must be a list of sizes");
        }

        var sizes = new List<long>();
        foreach (var size in shape.EnumerateArray())
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var value) || value < -1)
            {
                throw Invalid($"{at}.tensor-spec.shape holds {size.GetRawText()}; sizes are whole numbers >= 0, or -1 for a variable dimension");
            }

            sizes.Add(value);
        }

        return new MlflowTensor(String(entry, "name", at), dtype, sizes);
    }

    private static string? String(JsonElement entry, string key, string at) =>
        !entry.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid($"{at}.{key} must be a string");

    private static bool? Bool(JsonElement entry, string key, string at) =>
        !entry.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Invalid($"{at}.{key} must be true or false");

    private static void CheckUniqueNames(IEnumerable<string?> names, string field)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (names.OfType<string>().FirstOrDefault(name => !seen.Add(name)) is { } twice)
        {
            throw Invalid($"{field} names '{twice}' twice");
        }
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid(MlmodelFile.FileName, reason);
}
