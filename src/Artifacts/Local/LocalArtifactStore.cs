using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts.Local;

/// <summary>
/// Artifacts as files under one root folder (the embedded default). A write streams into a partial file, is fsynced, and is
/// renamed over its key in one step (<see cref="PartialFiles"/>); paths are resolved by <see cref="LocalRoot"/>.
/// </summary>
public sealed class LocalArtifactStore : IArtifactStore, ILocalArtifactFiles
{
    /// <summary>Where writes in progress live; the same file system as every key, so the final rename is atomic.</summary>
    public const string PartialFolder = ".partial";

    private static readonly EnumerationOptions Walk = new() { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
    private static readonly EnumerationOptions WalkAll = new() { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true, RecurseSubdirectories = true };
    private readonly LocalRoot _root;
    private readonly PartialFiles _partials;

    public LocalArtifactStore(string root)
    {
        _root = new LocalRoot(root);
        _partials = new PartialFiles(Path.Join(_root.FullPath, PartialFolder));
    }

    public string Location => _root.FullPath;

    public Task InitializeAsync(CancellationToken ct = default)
    {
        _partials.Sweep();
        return Task.CompletedTask;
    }

    public async Task<StoredArtifact> WriteAsync(string key, Stream content, ExpectedContent? expected = null, CancellationToken ct = default)
    {
        ArtifactKeys.Validate(key);
        var target = _root.ForWrite(key);
        if (Directory.Exists(target)) throw MlopsException.Invalid(ArtifactPath.Field, $"'{key}' is a directory");
        var partial = _partials.Create();
        try
        {
            StoredArtifact stored;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                stored = await HashingCopy.CopyAsync(content, file, ct).ConfigureAwait(false);
                expected?.Verify(stored);
                file.Flush(flushToDisk: true);
            }
            PartialFiles.MoveIntoPlace(partial, target, key);
            return stored;
        }
        catch
        {
            PartialFiles.Discard(partial);
            throw;
        }
    }

    public Task<ArtifactContent> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        ArtifactKeys.Validate(key);
        var path = _root.ForRead(key);
        FileStream file;
        try
        {
            if (!File.Exists(path)) throw NoFile(key);
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NoFile(key);
        }
        try
        {
            var size = file.Length;
            var count = ArtifactRange.Clip(offset, length, size);
            file.Seek(offset, SeekOrigin.Begin);
            return Task.FromResult(new ArtifactContent(new RangeStream(file, count), size, offset, count));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public Task<IReadOnlyList<ArtifactEntry>> ListAsync(string directory, bool recursive, CancellationToken ct = default)
    {
        directory = ArtifactKeys.ValidateDirectory(directory);
        var folder = directory.Length == 0 ? _root.FullPath : _root.ForRead(directory);
        var entries = new List<ArtifactEntry>();
        if (Directory.Exists(folder))
        {
            foreach (var info in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", recursive ? WalkAll : Walk))
            {
                var relative = Relative(folder, info.FullName);
                if (directory.Length == 0 && (relative == PartialFolder || relative.StartsWith(PartialFolder + "/", StringComparison.Ordinal))) continue;
                if (info is FileInfo file) entries.Add(new ArtifactEntry(ArtifactPath.Join(directory, relative), false, file.Length));
                else if (!recursive) entries.Add(new ArtifactEntry(ArtifactPath.Join(directory, relative), true, 0));
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return Task.FromResult<IReadOnlyList<ArtifactEntry>>(entries);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken ct = default)
    {
        ArtifactKeys.Validate(key);
        var path = _root.ForWrite(key);
        if (File.Exists(path)) File.Delete(path);
        else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else return Task.FromResult(false);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
        PruneEmptyParents(path);
        return Task.FromResult(true);
    }

    public Task<int> CopyAsync(string sourceKey, string destinationKey, CancellationToken ct = default)
    {
        ArtifactKeys.Validate(sourceKey, "source");
        ArtifactKeys.Validate(destinationKey, "destination");
        var source = _root.ForRead(sourceKey);
        if (File.Exists(source))
        {
            CopyFile(source, destinationKey);
            return Task.FromResult(1);
        }
        // Listed up front: a destination inside the source must not be copied again.
        var files = Directory.Exists(source) ? new DirectoryInfo(source).EnumerateFiles("*", WalkAll).Select(f => f.FullName).ToList() : [];
        if (files.Count == 0) throw NoFile(sourceKey);
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            CopyFile(file, ArtifactPath.Join(destinationKey, Relative(source, file)));
        }
        return Task.FromResult(files.Count);
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct = default)
    {
        ArtifactKeys.Validate(key);
        var path = _root.ForRead(key);
        return Task.FromResult(File.Exists(path) || (Directory.Exists(path) && Directory.EnumerateFiles(path, "*", WalkAll).Any()));
    }

    public string? TryGetLocalPath(string key)
    {
        try
        {
            ArtifactKeys.Validate(key);
            var path = _root.ForRead(key);
            return File.Exists(path) ? path : null;
        }
        catch (MlopsException)
        {
            return null; // an invalid key, or one that leaves the root through a link, has no local file
        }
    }

    private void CopyFile(string sourcePath, string destinationKey)
    {
        ArtifactKeys.Validate(destinationKey, "destination");
        var target = _root.ForWrite(destinationKey);
        var partial = _partials.Create();
        try
        {
            File.Copy(sourcePath, partial);
            using (var file = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite)) file.Flush(flushToDisk: true);
            PartialFiles.MoveIntoPlace(partial, target, destinationKey);
        }
        catch
        {
            PartialFiles.Discard(partial);
            throw;
        }
    }

    /// <summary>Removes folders left empty by a delete, so listings agree with the blob backend, which has no empty folders.</summary>
    private void PruneEmptyParents(string path)
    {
        for (var folder = Path.GetDirectoryName(path); folder is not null && folder.Length > _root.FullPath.Length; folder = Path.GetDirectoryName(folder))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                return; // a writer just put something in it, or it is already gone
            }
        }
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');

    private static MlopsException NoFile(string key) => MlopsException.NotFound($"no artifact file at '{key}'");
}
