using System.Text.Json;

namespace MlOps.Orleans.Models;

/// <summary>
/// The content of <c>mlops-model.json</c>, the manifest of a model package. See docs/model-package.md.
/// Read and write it through <see cref="ModelPackage"/> so that its rules are checked.
/// </summary>
/// <param name="FormatVersion">The package format version; <see cref="CurrentFormatVersion"/>.</param>
/// <param name="Flavor">How the model is stored; only <see cref="OnnxFlavor"/>.</param>
/// <param name="ModelFile">The model file's path relative to the package folder.</param>
/// <param name="Signature">The model's inputs and outputs; must match what ONNX Runtime reads from the file.</param>
/// <param name="Metadata">Where the model came from.</param>
/// <param name="InputExample">Optional: input name to a nested JSON array, one value per input; the model must run on it.</param>
/// <param name="FeatureService">Optional: the feature service that feeds this model when served.</param>
public sealed record ModelManifest(
    int FormatVersion,
    string Flavor,
    string ModelFile,
    ModelSignature Signature,
    ModelMetadata Metadata,
    IReadOnlyDictionary<string, JsonElement>? InputExample = null,
    string? FeatureService = null)
{
    /// <summary>The only format version this code reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The only flavor: a single ONNX file.</summary>
    public const string OnnxFlavor = "onnx";
}
