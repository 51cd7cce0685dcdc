using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Grains.Tracking;

/// <summary>Directory views over the flat list of recorded artifact paths.</summary>
internal static class ArtifactListing
{
    /// <summary>
    /// Files under <paramref name="directory"/>; one level shows each sub-directory once as an entry with size -1 and
    /// no digest (the MLflow <c>is_dir</c> shape), recursive shows every file.
    /// </summary>
    public static async Task<IReadOnlyList<ArtifactFile>> ListAsync(ITrackingStore store, string runId, string directory, bool recursive)
    {
        var prefix = string.IsNullOrEmpty(directory) ? "" : directory.TrimEnd('/') + "/";
        var files = await store.ListArtifactsAsync(runId, prefix).ConfigureAwait(false);
        if (recursive) return files;
        var result = new List<ArtifactFile>();
        string? lastDir = null;
        foreach (var f in files)
        {
            var rest = f.Path[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                result.Add(f);
                continue;
            }
            var dir = prefix + rest[..slash];
            if (dir == lastDir) continue;
            lastDir = dir;
            result.Add(new ArtifactFile(dir, -1, "", f.CreatedAt));
        }
        return result;
    }
}
