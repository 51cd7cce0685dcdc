using System.Text.Json;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Models.Mlflow;

namespace MlOps.Orleans.Models;

/// <summary>
/// Reads, writes and validates model packages: a folder holding <see cref="ManifestFileName"/> and the ONNX file it
/// names, or MLflow's <see cref="MlmodelFile.FileName"/> (<see cref="MlflowPackage"/>). The formats are described in
/// docs/model-package.md.
/// </summary>
public static class ModelPackage
{
    /// <summary>The manifest's file name at the top of every package folder.</summary>
    public const string ManifestFileName = "mlops-model.json";

    /// <summary>Parses and checks a manifest. Unknown fields are ignored; a wrong type or a missing field is not.</summary>
    /// <exception cref="MlopsException">Invalid, field <c>manifest</c>: the reason names what is wrong.</exception>
    public static ModelManifest ReadManifest(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ManifestJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw Invalid($"manifest is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            CheckFormatVersion(document.RootElement);
            ModelManifest? manifest;
            try
            {
                manifest = document.Deserialize<ModelManifest>(ManifestJson.Options);
            }
            catch (JsonException ex)
            {
                throw Invalid($"manifest field {ex.Path ?? "$"} is invalid: {ex.Message}");
            }

            ManifestRules.Check(manifest ?? throw Invalid("manifest must be a JSON object"));
            return manifest;
        }
    }

    /// <summary>Checks <paramref name="manifest"/> and writes it as indented JSON.</summary>
    /// <exception cref="MlopsException">Invalid, field <c>manifest</c>: the manifest breaks a rule of the format.</exception>
    public static void WriteManifest(ModelManifest manifest, Stream output)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(output);
        if (manifest.FormatVersion != ModelManifest.CurrentFormatVersion)
        {
            throw Invalid($"format_version {manifest.FormatVersion} is not supported; write {ModelManifest.CurrentFormatVersion}");
        }

        ManifestRules.Check(manifest);
        JsonSerializer.Serialize(output, manifest, ManifestJson.Options);
    }

    /// <summary>
    /// Checks a package folder end to end: the manifest, the model file's path, that ONNX Runtime loads the model,
    /// that its inputs and outputs match the signature, and that it runs on the input example when there is one.
    /// Without <see cref="ManifestFileName"/>, an MLflow <see cref="MlmodelFile.FileName"/> is read instead; beside
    /// one, the manifest decides and the MLmodel must parse and name the same model file.
    /// Never throws for a bad package; the answer says why it is bad.
    /// </summary>
    public static PackageValidation Validate(string packageDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageDirectory);
        if (!Directory.Exists(packageDirectory))
        {
            return PackageValidation.Invalid("the package folder does not exist");
        }

        if (!PackagePath.TryResolve(packageDirectory, ManifestFileName, out var manifestPath, out var problem))
        {
            return PackageValidation.Invalid($"manifest {ManifestFileName} {problem}");
        }

        var manifestFile = new FileInfo(manifestPath);
        if (!manifestFile.Exists)
        {
            return MlflowPackage.IsPresent(packageDirectory)
                ? MlflowPackage.Validate(packageDirectory)
                : PackageValidation.Invalid($"manifest {ManifestFileName} is missing, and there is no MLflow {MlmodelFile.FileName} either");
        }

        if (manifestFile.Length > ManifestJson.MaxManifestBytes)
        {
            return PackageValidation.Invalid($"manifest {ManifestFileName} is larger than {ManifestJson.MaxManifestBytes} bytes");
        }

        ModelManifest manifest;
        try
        {
            using var stream = manifestFile.OpenRead();
            manifest = ReadManifest(stream);
        }
        catch (MlopsException ex)
        {
            return PackageValidation.Invalid(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PackageValidation.Invalid($"manifest {ManifestFileName} cannot be read: {ex.Message}");
        }

        var reason = FindModelProblem(packageDirectory, manifest)
            ?? (MlflowPackage.IsPresent(packageDirectory) ? MlflowPackage.FindDisagreement(packageDirectory, manifest) : null);
        return reason is null ? PackageValidation.Valid(manifest) : PackageValidation.Invalid(reason, manifest);
    }

    private static string? FindModelProblem(string packageDirectory, ModelManifest manifest)
    {
        if (!PackagePath.TryResolve(packageDirectory, manifest.ModelFile, out var modelPath, out var problem))
        {
            return $"model_file '{manifest.ModelFile}' {problem}";
        }

        return File.Exists(modelPath)
            ? OnnxPackageCheck.FindProblem(modelPath, manifest)
            : $"model file '{manifest.ModelFile}' named by the manifest is missing from the package";
    }

    // Checked before typed parsing so that a future format fails with "unsupported version", not a type error.
    private static void CheckFormatVersion(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("manifest must be a JSON object");
        }

        if (!root.TryGetProperty("format_version", out var version))
        {
            throw Invalid("manifest field format_version is missing");
        }

        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != ModelManifest.CurrentFormatVersion)
        {
            throw Invalid($"format_version {version.GetRawText()} is not supported; this version reads {ModelManifest.CurrentFormatVersion}");
        }
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid("manifest", reason);
}
