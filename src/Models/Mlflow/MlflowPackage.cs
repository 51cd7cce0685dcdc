using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// Validates a package that MLflow's <c>MLmodel</c> describes (docs/model-package.md): the onnx flavor is checked with
/// ONNX Runtime like a manifest; Python-only flavors are valid but not servable, and nothing of theirs is ever loaded.
/// </summary>
public static class MlflowPackage
{
    /// <summary>
    /// What the MLmodel alone decides: invalid when it is malformed, valid but not servable when its flavors are
    /// Python-only; null when it has the onnx flavor and the package's files must be checked with <see cref="ModelPackage.Validate"/>.
    /// </summary>
    public static PackageValidation? Triage(byte[] mlmodel) => Triage(mlmodel, out _);

    /// <summary>Whether the folder has an MLmodel (a link counts, to be refused when read).</summary>
    internal static bool IsPresent(string folder)
    {
        var file = new FileInfo(Path.Combine(folder, MlmodelFile.FileName));
        return file.Exists || file.LinkTarget is not null;
    }

    internal static PackageValidation Validate(string folder)
    {
        byte[] content;
        try
        {
            content = ReadMlmodel(folder);
        }
        catch (MlopsException ex)
        {
            return PackageValidation.Invalid(ex.Message);
        }

        if (Triage(content, out var model) is { } decided)
        {
            return decided;
        }

        var file = model!.OnnxModelFile!;
        if (!PackagePath.TryResolve(folder, file, out var modelPath, out var problem))
        {
            return PackageValidation.Invalid($"{MlmodelFile.FileName} field flavors.onnx.data '{file}' {problem}");
        }

        if (!File.Exists(modelPath))
        {
            return PackageValidation.Invalid($"model file '{file}' named by {MlmodelFile.FileName} field flavors.onnx.data is missing from the package");
        }

        ModelManifest? manifest = null;
        var reason = OnnxPackageCheck.FindProblem(
            modelPath, file, actual => manifest = MlflowManifest.From(model, actual, folder), $"the {MlmodelFile.FileName} signature");
        return reason is null ? PackageValidation.Valid(manifest!) : PackageValidation.Invalid(reason, manifest);
    }

    /// <summary>
    /// Beside <c>mlops-model.json</c> an MLmodel is MLflow's view of the same package: it must parse, and an onnx flavor
    /// must name the manifest's model file. Null when they agree.
    /// </summary>
    internal static string? FindDisagreement(string folder, ModelManifest manifest)
    {
        try
        {
            var data = MlmodelFile.Parse(ReadMlmodel(folder)).OnnxModelFile;
            return data is null || data == manifest.ModelFile
                ? null
                : $"{MlmodelFile.FileName} field flavors.onnx.data names '{data}' but {ModelPackage.ManifestFileName} model_file names "
                    + $"'{manifest.ModelFile}'; both must name the same model file";
        }
        catch (MlopsException ex)
        {
            return ex.Message;
        }
    }

    private static PackageValidation? Triage(byte[] content, out MlflowModel? model)
    {
        try
        {
            model = MlmodelFile.Parse(content);
        }
        catch (MlopsException ex)
        {
            model = null;
            return PackageValidation.Invalid(ex.Message);
        }

        return model.NotServableReason is { } reason ? PackageValidation.NotServable(reason) : null;
    }

    private static byte[] ReadMlmodel(string folder)
    {
        if (!PackagePath.TryResolve(folder, MlmodelFile.FileName, out var path, out var problem))
        {
            throw Invalid($"{MlmodelFile.FileName} {problem}");
        }

        if (new FileInfo(path).Length > MlmodelFile.MaxBytes)
        {
            throw Invalid($"{MlmodelFile.FileName} is larger than {MlmodelFile.MaxBytes} bytes");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"{MlmodelFile.FileName} cannot be read");
        }
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid(MlmodelFile.FileName, reason);
}
