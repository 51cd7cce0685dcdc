namespace MlOps.Orleans.Models;

/// <summary>The outcome of checking a model package.</summary>
/// <param name="IsValid">Whether the package can be registered.</param>
/// <param name="Reason">Why it is invalid, naming the file, field, input or output at fault; for a valid package that
/// is not servable (an MLmodel with Python-only flavors), why not; null when valid and servable.</param>
/// <param name="Manifest">The manifest, whenever it could be read (even if the package is otherwise invalid); for an
/// MLmodel package, the manifest its onnx flavor amounts to.</param>
public sealed record PackageValidation(bool IsValid, string? Reason, ModelManifest? Manifest)
{
    /// <summary>Whether the platform can serve the package: valid, with a checked ONNX model.</summary>
    public bool IsServable => IsValid && Manifest is not null;

    internal static PackageValidation Valid(ModelManifest manifest) => new(true, null, manifest);

    internal static PackageValidation NotServable(string reason) => new(true, reason, null);

    internal static PackageValidation Invalid(string reason, ModelManifest? manifest = null) => new(false, reason, manifest);
}
