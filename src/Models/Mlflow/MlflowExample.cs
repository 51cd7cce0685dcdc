using System.Text.Json;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// Reads the input example an MLmodel names (<c>saved_input_example_info.artifact_path</c>) into the manifest's form,
/// input name to nested arrays: a table (<c>{"dataframe_split": {...}}</c>, or the bare <c>{"columns", "data"}</c>
/// MLflow writes) through the column mapping, tensors (<c>{"inputs": ...}</c>) as they are.
/// </summary>
internal static class MlflowExample
{
    /// <param name="folder">The package folder.</param>
    /// <param name="path">The example's path in the package.</param>
    /// <param name="columns">The column mapping when the signature is a column spec; null for tensors.</param>
    /// <param name="inputs">The inputs the example must fill.</param>
    public static IReadOnlyDictionary<string, JsonElement> Read(string folder, string path, ColumnMapping? columns, IReadOnlyList<TensorSpec> inputs)
    {
        var where = $"input example '{path}'";
        if (!PackagePath.TryResolve(folder, path, out var fullPath, out var problem))
        {
            throw Invalid($"{MlmodelFile.FileName} field saved_input_example_info.artifact_path '{path}' {problem}");
        }

        var file = new FileInfo(fullPath);
        if (!file.Exists)
        {
            throw Invalid($"{where} named by {MlmodelFile.FileName} field saved_input_example_info.artifact_path is missing from the package");
        }

        if (file.Length > ManifestJson.MaxManifestBytes)
        {
            throw Invalid($"{where} is larger than {ManifestJson.MaxManifestBytes} bytes");
        }

        JsonDocument document;
        try
        {
            using var stream = file.OpenRead();
            document = JsonDocument.Parse(stream, ManifestJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw Invalid($"{where} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            var tensors = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("inputs", out var found) ? found : (JsonElement?)null;
            if (columns is null)
            {
                return tensors is { } value
                    ? Tensors(value, inputs, where)
                    : throw Invalid($"{where} must hold {{\"inputs\": ...}}: the signature is a tensor spec, or absent");
            }

            if (tensors is not null)
            {
                throw Invalid($"{where} holds tensors (\"inputs\"), but the {MlmodelFile.FileName} signature is a column spec: write a table");
            }

            var frame = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("dataframe_split", out var split) ? split : root;
            return FrameTensors.ToInputs(columns, DataFrameSplit.Parse(frame, where), where);
        }
    }

    // One unnamed array feeds a model's only input; an object names its inputs (the example check refuses unknown names).
    private static Dictionary<string, JsonElement> Tensors(JsonElement value, IReadOnlyList<TensorSpec> inputs, string where) => value.ValueKind switch
    {
        JsonValueKind.Array when inputs.Count == 1 => new(StringComparer.Ordinal) { [inputs[0].Name] = value.Clone() },
        JsonValueKind.Array => throw Invalid($"{where} holds one unnamed tensor, but the model takes {inputs.Count} inputs: name them"),
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(input => input.Name, input => input.Value.Clone(), StringComparer.Ordinal),
        _ => throw Invalid($"{where}: \"inputs\" must be a list (one tensor) or an object of input name to tensor"),
    };

    private static MlopsException Invalid(string reason) => MlopsException.Invalid("input_example", reason);
}
