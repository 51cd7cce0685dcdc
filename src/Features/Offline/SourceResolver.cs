using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Turns a source's path into the list of local files DuckDB reads. <c>artifacts:&lt;key glob&gt;</c> lists the store (local
/// backend: files read in place; others: copied to the cache); <c>file:&lt;absolute glob&gt;</c> must resolve, links included,
/// under one of the configured roots; a push source is every Parquet file under <c>feature-store/push/&lt;name&gt;/</c>.
/// Files are matched here, not by DuckDB, so the sandbox can be given exactly these files.
/// </summary>
internal sealed class SourceResolver(IArtifactStore artifacts, OfflineStoreOptions options)
{
    public const string ArtifactsScheme = "artifacts:";
    public const string FileScheme = "file:";

    private readonly BlobCache _cache = new(artifacts, options.CacheDirectory);

    public static string PushFolder(string sourceName) => $"feature-store/push/{sourceName}";

    public async Task<ResolvedSource> ResolveAsync(DataSourceSpec source, CancellationToken ct)
    {
        if (source.IsPush)
        {
            ArtifactKeys.Validate(PushFolder(source.Name), "source");
            var pushed = await ListArtifactsAsync(PushFolder(source.Name), GlobPattern.Parse(PushFolder(source.Name) + "/**/*.parquet"), ct).ConfigureAwait(false);
            return new ResolvedSource(source, pushed);
        }
        List<string> files;
        if (source.Path.StartsWith(ArtifactsScheme, StringComparison.Ordinal))
        {
            var glob = GlobPattern.Parse(source.Path[ArtifactsScheme.Length..].TrimStart('/'));
            files = await ListArtifactsAsync(glob.HasWildcards ? glob.LiteralDirectory : glob.Pattern, glob, ct).ConfigureAwait(false);
        }
        else if (source.Path.StartsWith(FileScheme, StringComparison.Ordinal))
        {
            files = ListLocal(source);
        }
        else
        {
            throw MlopsException.Invalid("source", $"source '{source.Name}': path '{source.Path}' must start with '{ArtifactsScheme}' or '{FileScheme}'");
        }
        if (files.Count == 0)
            throw MlopsException.Precondition($"source '{source.Name}': no file matches '{source.Path}'");
        return new ResolvedSource(source, files);
    }

    /// <summary>The local path of one artifact file (an entity dataset): in place when the store is local, else a cached copy.</summary>
    public async Task<string> LocalFileAsync(string key, CancellationToken ct)
    {
        ArtifactKeys.Validate(key, "entity_dataset");
        if (artifacts is ILocalArtifactFiles local)
        {
            return local.TryGetLocalPath(key) ?? throw MlopsException.NotFound($"no artifact file at '{key}'");
        }
        var entries = await artifacts.ListAsync(ParentKey(key), recursive: false, ct).ConfigureAwait(false);
        var entry = entries.FirstOrDefault(e => !e.IsDirectory && e.Key == key) ?? throw MlopsException.NotFound($"no artifact file at '{key}'");
        return await _cache.GetAsync(key, entry.Size, ct).ConfigureAwait(false);
    }

    private async Task<List<string>> ListArtifactsAsync(string directory, GlobPattern glob, CancellationToken ct)
    {
        IReadOnlyList<ArtifactEntry> entries;
        if (directory.Length > 0 && !glob.HasWildcards && await ExistsAsFileAsync(directory, ct).ConfigureAwait(false) is { } single)
        {
            entries = [single];
        }
        else
        {
            entries = await artifacts.ListAsync(directory, recursive: true, ct).ConfigureAwait(false);
            // A glob without wildcards that names a folder means every file under it.
            if (!glob.HasWildcards) glob = GlobPattern.Parse(directory.TrimEnd('/') + "/**");
        }
        var matched = entries.Where(e => !e.IsDirectory && glob.IsMatch(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        var files = new List<string>(matched.Count);
        foreach (var entry in matched)
        {
            if (artifacts is ILocalArtifactFiles local)
            {
                // A file deleted since the listing is skipped, as if it had been deleted just before.
                if (local.TryGetLocalPath(entry.Key) is { } path) files.Add(path);
            }
            else
            {
                files.Add(await _cache.GetAsync(entry.Key, entry.Size, ct).ConfigureAwait(false));
            }
        }
        return files;
    }

    private async Task<ArtifactEntry?> ExistsAsFileAsync(string key, CancellationToken ct)
    {
        var siblings = await artifacts.ListAsync(ParentKey(key), recursive: false, ct).ConfigureAwait(false);
        return siblings.FirstOrDefault(e => !e.IsDirectory && e.Key == key);
    }

    private static string ParentKey(string key) => key.LastIndexOf('/') is var i and > 0 ? key[..i] : "";

    private List<string> ListLocal(DataSourceSpec source)
    {
        var pattern = source.Path[FileScheme.Length..];
        if (!Path.IsPathRooted(pattern))
            throw MlopsException.Invalid("source", $"source '{source.Name}': '{source.Path}' is not an absolute path");
        var roots = options.SourceRoots.Select(r => RealPaths.Resolve(r)).ToList();
        var glob = GlobPattern.Parse(pattern.Replace(Path.DirectorySeparatorChar, '/'));
        var baseDirectory = glob.HasWildcards ? glob.LiteralDirectory : Path.GetDirectoryName(pattern)!;
        if (baseDirectory.Length == 0) baseDirectory = "/";
        var realBase = RealPaths.Resolve(baseDirectory);
        if (!roots.Any(r => RealPaths.IsUnder(realBase, r)))
            throw OutsideRoots(source, realBase);
        var candidates = glob.HasWildcards
            ? (Directory.Exists(baseDirectory)
                ? Directory.EnumerateFiles(baseDirectory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                : [])
            : File.Exists(pattern) ? [pattern] : Directory.Exists(pattern)
                ? Directory.EnumerateFiles(pattern, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                : [];
        var files = new List<string>();
        foreach (var file in candidates.Order(StringComparer.Ordinal))
        {
            var normalized = Path.GetFullPath(file).Replace(Path.DirectorySeparatorChar, '/');
            if (glob.HasWildcards && !glob.IsMatch(normalized)) continue;
            var real = RealPaths.Resolve(file);
            if (!roots.Any(r => RealPaths.IsUnder(real, r))) throw OutsideRoots(source, real);
            files.Add(real);
        }
        return files;
    }

    private static MlopsException OutsideRoots(DataSourceSpec source, string path) =>
        MlopsException.Invalid("source", $"source '{source.Name}': '{path}' is outside the folders file sources may read");
}
