using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Common;
using MlOps.Orleans.Tracking;

namespace MlOps.Orleans.Registry;

/// <summary>
/// A parsed version source. Only references into the artifact store are accepted; a server path, a URL or any other
/// scheme is refused, because a version's source has been the door to reading server files in other registries.
/// </summary>
internal abstract record ModelSource
{
    public sealed record Run(string RunId, string Path) : ModelSource;

    public sealed record Model(string Name, long? Version, string? Alias) : ModelSource;

    public sealed record Staging(string StagingId) : ModelSource;

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
            "models:/<name>/<version>, models:/<name>@<alias> or staging:/<upload id>; server paths, URLs and other schemes are never read");
    }

    private static string Clip(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");
}
