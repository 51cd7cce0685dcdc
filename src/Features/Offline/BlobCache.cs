using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Local copies of artifact files for stores DuckDB cannot read in place. A copy is named by the key and the size, so a
/// changed size makes a new copy; a same-size rewrite in place is not noticed (see <see cref="OfflineStoreOptions.CacheDirectory"/>).
/// The key's folders are kept, so hive partition folders (<c>date=…</c>) mean the same in the copy.
/// </summary>
internal sealed class BlobCache(IArtifactStore artifacts, string directory)
{
    private readonly string _root = Path.GetFullPath(Path.Join(directory, "artifacts"));

    public async Task<string> GetAsync(string key, long size, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(key.Replace('/', Path.DirectorySeparatorChar)) ?? "";
        var path = Path.GetFullPath(Path.Join(_root, folder, size.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.GetFileName(key)));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw MlopsException.Invalid("source", $"artifact key '{key}' leaves the cache folder");
        if (File.Exists(path) && new FileInfo(path).Length == size) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Concurrent retrievals may fetch the same file: each writes its own partial file, the rename is atomic.
        var partial = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            await using (var content = await artifacts.OpenReadAsync(key, 0, null, ct).ConfigureAwait(false))
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await content.Stream.CopyToAsync(file, ct).ConfigureAwait(false);
            }
            File.Move(partial, path, overwrite: true);
            return path;
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }
}
