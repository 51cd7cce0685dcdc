using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Grains.Registry;

/// <summary>
/// A parsed version source. Only references into the artifact store are accepted; a server path, a URL or any other
/// scheme is refused, because a version's source has been the door to reading server files in other registries.
/// </summary>
internal abstract record ModelSource
{
    /// <summary>A run's artifacts; <paramref name="ExpectedRoot"/> is set when the source named the store key itself.</summary>
    public sealed record Run(string RunId, string Path, string? ExpectedRoot = null) : ModelSource;

    /// <summary>Another version's pinned files, named by their store key.</summary>
    public sealed record Pinned(string Key) : ModelSource;

    public sealed record Model(string Name, long? Version, string? Alias) : ModelSource;

    public sealed record Staging(string StagingId) : ModelSource;

    /// <summary>MLflow 3's <c>models:/&lt;model_id&gt;</c>: a logged model's files.</summary>
    public sealed record LoggedModel(string ModelId) : ModelSource;

    public const string ArtifactScheme = "mlflow-artifacts:/";

    public static ModelSource Parse(string? source)
    {
        if (string.IsNullOrEmpty(source)) throw MlopsException.Invalid("source", "source is required");
        if (source.Length > RegistryValidation.MaxSourceLength) throw MlopsException.Invalid("source", $"source is longer than {RegistryValidation.MaxSourceLength} characters");
        if (source.StartsWith("runs:/", StringComparison.Ordinal))
        {
            var rest = source["runs:/".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var runId = slash < 0 ? rest : rest[..slash];
            TrackingValidation.RunId(runId, "source");
            return new Run(runId, ArtifactPath.Directory(slash < 0 ? "" : rest[(slash + 1)..], "source"));
        }
        if (source.StartsWith(ArtifactScheme, StringComparison.Ordinal))
        {
            // MLflow clients often register the resolved location of a run's model: only run roots and pinned versions qualify.
            var key = ArtifactKeys.Validate(source[ArtifactScheme.Length..], "source");
            var parts = key.Split('/');
            if (parts.Length >= 3 && parts[2] == "artifacts" && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                TrackingValidation.RunId(parts[1], "source");
                return new Run(parts[1], string.Join('/', parts.Skip(3)), string.Join('/', parts.Take(3)));
            }
            if (parts.Length >= 3 && parts[0] == "models" && long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                return new Pinned(key);
            throw MlopsException.Invalid("source", $"source '{Clip(source)}' is not a run's artifacts or a registered version inside the artifact store");
        }
        if (source.StartsWith(ModelUri.Scheme, StringComparison.Ordinal) && LoggedModelValidation.IsModelId(source[ModelUri.Scheme.Length..]))
            return new LoggedModel(source[ModelUri.Scheme.Length..]);
        if (source.StartsWith(ModelUri.Scheme, StringComparison.Ordinal))
        {
            var uri = ModelUri.Parse(source, "source");
            return new Model(uri.Name, uri.Version, uri.Alias);
        }
        if (source.StartsWith("staging:/", StringComparison.Ordinal))
        {
            var id = source["staging:/".Length..];
            ArtifactKeys.StagingRoot(id, "source");
            return new Staging(id);
        }
        throw MlopsException.Invalid("source", $"source '{Clip(source)}' is refused: a version is created from runs:/<run>/<path>, " +
            "models:/<name>/<version>, models:/<name>@<alias>, models:/<logged model id>, staging:/<upload id> or mlflow-artifacts:/ inside the store; " +
            "server paths, URLs and other schemes are never read");
    }

    private static string Clip(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");
}
