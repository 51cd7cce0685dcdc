using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models;

/// <summary>The rules a manifest must keep beyond its JSON types; every reader and writer goes through them.</summary>
internal static class ManifestRules
{
    public static void Check(ModelManifest manifest)
    {
        if (manifest.Flavor != ModelManifest.OnnxFlavor)
        {
            throw Invalid($"flavor '{manifest.Flavor}' is not supported; the only flavor is '{ModelManifest.OnnxFlavor}'");
        }

        if (PackagePath.FindProblem(manifest.ModelFile) is { } pathProblem)
        {
            throw Invalid($"model_file '{manifest.ModelFile}' {pathProblem}");
        }

        CheckTensors("input", manifest.Signature.Inputs);
        CheckTensors("output", manifest.Signature.Outputs);
        CheckMetadata(manifest.Metadata);
        if (manifest.FeatureService is not null && string.IsNullOrWhiteSpace(manifest.FeatureService))
        {
            throw Invalid("feature_service must not be blank; leave it out instead");
        }

        if (manifest.InputExample?.Keys.FirstOrDefault(string.IsNullOrEmpty) is not null)
        {
            throw Invalid("input_example must not have an empty input name");
        }
    }

    private static void CheckTensors(string kind, IReadOnlyList<TensorSpec> tensors)
    {
        if (tensors.Count == 0)
        {
            throw Invalid($"signature.{kind}s must name at least one {kind}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            // The serializer does not check nullability inside collections.
            if (tensor is null || tensor.Shape is null)
            {
                throw Invalid($"signature.{kind}s must not contain null");
            }

            if (string.IsNullOrEmpty(tensor.Name))
            {
                throw Invalid($"signature.{kind}s: every {kind} needs a name");
            }

            if (!names.Add(tensor.Name))
            {
                throw Invalid($"signature.{kind}s: {kind} '{tensor.Name}' appears twice");
            }

            if (!Enum.IsDefined(tensor.ElementType))
            {
                throw Invalid($"{kind} '{tensor.Name}' has an unknown element_type");
            }

            if (tensor.Shape.Any(dimension => dimension < -1))
            {
                throw Invalid($"{kind} '{tensor.Name}' shape may hold sizes >= 0 or -1 for a variable dimension");
            }
        }
    }

    private static void CheckMetadata(ModelMetadata metadata)
    {
        if (string.IsNullOrWhiteSpace(metadata.TrainingFramework))
        {
            throw Invalid("metadata.training_framework must not be blank");
        }

        foreach (var key in metadata.Properties?.Keys ?? [])
        {
            if (string.IsNullOrEmpty(key) || ModelMetadata.ReservedKeys.Contains(key))
            {
                throw Invalid($"metadata property '{key}' is empty or reserved for a named field");
            }
        }

        if (metadata.Properties?.Values.Any(value => value is null) == true)
        {
            throw Invalid("metadata properties must be strings, not null");
        }
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid("manifest", reason);
}
