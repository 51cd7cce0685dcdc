using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Grains.Registry;

/// <summary>
/// A parsed version source. Only references into the artifact store are ever read; a server path, a URL or any other
/// scheme is refused, because a version's source has been the door to reading server files in other registries. MLflow's
/// REST API records such a source as given instead (<see cref="Outside"/>): kept as text, never copied, never resolved.
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

    /// <summary>
    /// A source outside the store, recorded as given under MLflow's rules: no file behind it is read, by any path, ever.
    /// <paramref name="IsLocalPath"/> marks a server path or file: URI, which MLflow accepts only inside the run's own
    /// (local) artifact directory.
    /// </summary>
    public sealed record Outside(string Uri, bool IsLocalPath) : ModelSource;

    public const string ArtifactScheme = "mlflow-artifacts:/";

    /// <param name="recordOutside">MLflow REST: a source outside the store becomes <see cref="Outside"/> instead of an error</param>
    public static ModelSource Parse(string? source, bool recordOutside = false)
    {
        if (string.IsNullOrEmpty(source)) throw MlopsException.Invalid("source", "source is required");
        if (source.Length > RegistryValidation.MaxSourceLength) throw MlopsException.Invalid("source", $"source is longer than {RegistryValidation.MaxSourceLength} characters");
        if (source.StartsWith("runs:/", StringComparison.Ordinal))
        {
            var rest = source["runs:/".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var runId = slash < 0 ? rest : rest[..slash];
            // MLflow records runs:/run_id/model as given; a run id of another form cannot name a run here.
            if (recordOutside && !TrackingValidation.IsRunId(runId)) return OutsideSource(source);
            TrackingValidation.RunId(runId, "source");
            return new Run(runId, ArtifactPath.Directory(slash < 0 ? "" : rest[(slash + 1)..], "source"));
        }
        if (source.StartsWith(ArtifactScheme, StringComparison.Ordinal))
        {
            if (recordOutside && !IsStoreKey(source[ArtifactScheme.Length..])) return OutsideSource(source);
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
            if (recordOutside) return OutsideSource(source);
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
        if (recordOutside) return OutsideSource(source);
        throw MlopsException.Invalid("source", $"source '{Clip(source)}' is refused: a version is created from runs:/<run>/<path>, " +
            "models:/<name>/<version>, models:/<name>@<alias>, models:/<logged model id>, staging:/<upload id> or mlflow-artifacts:/ inside the store; " +
            "server paths, URLs and other schemes are never read");
    }

    private static bool IsStoreKey(string key)
    {
        try
        {
            ArtifactKeys.Validate(key, "source");
            return true;
        }
        catch (MlopsException)
        {
            return false;
        }
    }

    /// <summary>
    /// MLflow's rule for a source it records: after every percent escape is decoded, no NUL and no '.' or '..' segment, so
    /// the text can never be turned into a traversal by whoever resolves it later. A file: URI must name this host.
    /// </summary>
    private static Outside OutsideSource(string source)
    {
        var decoded = source;
        for (var i = 0; i < 8 && Uri.UnescapeDataString(decoded.Replace('+', ' ')) is var next && next != decoded; i++) decoded = next;
        var path = decoded;
        var scheme = SchemeOf(decoded);
        if (scheme is not null)
        {
            path = decoded[(scheme.Length + 1)..];
            // "scheme://authority/path": the authority is not a path segment.
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path.IndexOf('/', 2) is var slash and >= 0 ? path[slash..] : "";
        }
        var isLocal = scheme is null || scheme.Equals("file", StringComparison.OrdinalIgnoreCase);
        // A local path is normalized and must then lie inside the run's artifact directory (checked with the run); any
        // other location may hold no relative segment at all.
        if (path.Contains('\0') || (!isLocal && path.Split('/').Any(seg => seg is ".." or ".")))
            throw MlopsException.Invalid("source", $"Invalid model version source: '{Clip(source)}'. If supplying a source as an http, https, " +
                "local file path, ftp, objectstore, or mlflow-artifacts uri, it must be an absolute path without relative references ('.' or '..', " +
                "also when percent-encoded) and without NUL characters.");
        if (scheme is not null && isLocal && decoded.IndexOf("//", StringComparison.Ordinal) == scheme.Length + 1
            && decoded[(scheme.Length + 3)..] is var rest && !rest.StartsWith('/') && !rest.StartsWith("localhost/", StringComparison.OrdinalIgnoreCase))
            throw MlopsException.Invalid("source", $"'{Clip(source)}' is not a valid remote uri: a file: URI with a host names another machine's disk");
        return new Outside(source, isLocal);
    }

    private static string? SchemeOf(string uri)
    {
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        // One letter before the colon is a Windows drive, which MLflow counts as a local path.
        if (colon < 2) return null;
        for (var i = 0; i < colon; i++)
        {
            var ch = uri[i];
            if (!(char.IsAsciiLetter(ch) || (i > 0 && (char.IsAsciiDigit(ch) || ch is '+' or '-' or '.')))) return null;
        }
        return uri[..colon];
    }

    private static string Clip(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");
}
