using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models;

/// <summary>Turns a fitted ML.NET model into a model package ready to log and register.</summary>
public static class MlNetModelPackager
{
    /// <summary>The model file's name inside packages made here.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>
    /// Exports <paramref name="model"/> to ONNX in <paramref name="outputDirectory"/> (created if missing, must be
    /// empty otherwise), writes a manifest whose signature is read back from the exported file with ONNX Runtime,
    /// checks the result with <see cref="ModelPackage.Validate"/> and returns the manifest.
    /// </summary>
    /// <param name="ml">The context the model was trained with.</param>
    /// <param name="model">The fitted pipeline, e.g. the result of <c>pipeline.Fit(data)</c>.</param>
    /// <param name="sampleData">Data with the model's input schema; ONNX export needs it, and its first row
    /// becomes the input example. ML.NET's exported graph takes every input column, the label included.</param>
    /// <param name="outputDirectory">The package folder to write.</param>
    /// <param name="options">Optional choices; defaults include an input example.</param>
    /// <exception cref="MlopsException">The output folder is not empty, or the options break a manifest rule.</exception>
    /// <exception cref="InvalidOperationException">The exported model does not validate: an export problem, not a caller's.</exception>
    public static ModelManifest Package(
        MLContext ml, ITransformer model, IDataView sampleData, string outputDirectory, PackageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampleData);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        options ??= new PackageOptions();

        // A package folder is logged whole, so a leftover file would ride along unnoticed.
        if (Directory.Exists(outputDirectory) && Directory.EnumerateFileSystemEntries(outputDirectory).Any())
        {
            throw MlopsException.Invalid("output_directory", $"package folder '{outputDirectory}' is not empty");
        }

        Directory.CreateDirectory(outputDirectory);
        var modelPath = Path.Combine(outputDirectory, ModelFileName);
        using (var onnx = File.Create(modelPath))
        {
            ml.Model.ConvertToOnnx(model, sampleData, onnx);
        }

        ModelSignature signature;
        using (var session = new InferenceSession(modelPath))
        {
            signature = OnnxSignatureReader.Read(session);
        }

        var manifest = new ModelManifest(
            ModelManifest.CurrentFormatVersion,
            ModelManifest.OnnxFlavor,
            ModelFileName,
            signature,
            new ModelMetadata("ML.NET", DateTimeOffset.UtcNow, VersionOf(typeof(MLContext)), Properties(options)),
            options.IncludeInputExample ? SampleRowReader.Read(sampleData, signature.Inputs) : null,
            options.FeatureService);
        using (var output = File.Create(Path.Combine(outputDirectory, ModelPackage.ManifestFileName)))
        {
            ModelPackage.WriteManifest(manifest, output);
        }

        var validation = ModelPackage.Validate(outputDirectory);
        return validation.IsValid
            ? manifest
            : throw new InvalidOperationException($"the exported ML.NET model does not validate: {validation.Reason}");
    }

    private static Dictionary<string, string> Properties(PackageOptions options)
    {
        var properties = new Dictionary<string, string>(options.Properties ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        properties.TryAdd("onnx_converter_version", VersionOf(typeof(Microsoft.ML.OnnxExportExtensions)));
        return properties;
    }

    // The informational version without its "+commit" suffix, e.g. "5.0.1".
    private static string VersionOf(Type type)
    {
        var version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? type.Assembly.GetName().Version?.ToString()
            ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
