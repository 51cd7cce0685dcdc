namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Rules for the <c>path</c> of a batch source: <c>artifacts:&lt;relative key glob&gt;</c> in the artifact store, or
/// <c>file:&lt;absolute glob&gt;</c> under one of the configured roots. Checked on the normalised path, so
/// <c>file:/data/../etc/passwd</c> is judged as <c>/etc/passwd</c>. (Symbolic links are the offline store's to resolve when
/// it reads; a definition cannot know what a link will point to then.)
/// </summary>
public static class SourcePaths
{
    public const string ArtifactsScheme = "artifacts:";
    public const string FileScheme = "file:";

    public static bool TryValidate(string path, IReadOnlyList<string> allowedFileRoots, out string error)
    {
        error = "";
        if (path.StartsWith(ArtifactsScheme, StringComparison.Ordinal))
        {
            return TryValidateArtifactKey(path[ArtifactsScheme.Length..], out error);
        }
        if (path.StartsWith(FileScheme, StringComparison.Ordinal))
        {
            return TryValidateFile(path[FileScheme.Length..], allowedFileRoots, out error);
        }
        error = path.Length == 0
            ? "a batch source needs a path (artifacts:<key glob> or file:<absolute glob>), or push: true"
            : $"path '{path}' must start with {ArtifactsScheme} or {FileScheme}";
        return false;
    }

    private static bool TryValidateArtifactKey(string key, out string error)
    {
        error = "";
        if (key.Length == 0)
        {
            error = "an artifacts: path needs a key glob, e.g. artifacts:features/driver_stats/*.parquet";
        }
        else if (key.StartsWith('/') || key.Contains('\\', StringComparison.Ordinal))
        {
            error = $"artifact key '{key}' must be relative and use '/' separators";
        }
        else if (key.Split('/').Any(s => s is "" or "." or ".."))
        {
            error = $"artifact key '{key}' must not contain empty, '.' or '..' segments";
        }
        return error.Length == 0;
    }

    private static bool TryValidateFile(string path, IReadOnlyList<string> allowedFileRoots, out string error)
    {
        error = "";
        if (!Path.IsPathFullyQualified(path))
        {
            error = $"file path '{path}' must be absolute";
            return false;
        }
        if (allowedFileRoots.Count == 0)
        {
            error = "file: sources are disabled on this server (no source roots are configured); use artifacts:";
            return false;
        }
        var full = Path.GetFullPath(path);
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var root in allowedFileRoots)
        {
            var normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
            if (full.StartsWith(normalized, comparison))
            {
                return true;
            }
        }
        error = $"file path '{path}' is outside the allowed source roots ({string.Join(", ", allowedFileRoots)})";
        return false;
    }
}
