namespace MlOps.Orleans.Models;

/// <summary>The outcome of checking a model package.</summary>
/// <param name="IsValid">Whether the package can be registered.</param>
/// <param name="Reason">Why not, naming the field, input or output at fault; null when valid.</param>
/// <param name="Manifest">The manifest, whenever it could be read (even if the package is otherwise invalid).</param>
public sealed record PackageValidation(bool IsValid, string? Reason, ModelManifest? Manifest)
{
    internal static PackageValidation Valid(ModelManifest manifest) => new(true, null, manifest);

    internal static PackageValidation Invalid(string reason, ModelManifest? manifest = null) => new(false, reason, manifest);
}
