using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts.Local;

/// <summary>
/// Writes in progress, in <c>.partial/</c> under the root: on the same file system as every key, so moving one into place is
/// a single atomic rename, and a reader sees the old file or the whole new one, never a part.
/// </summary>
internal sealed class PartialFiles(string folder)
{
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromDays(1);

    /// <summary>Removes what a process that died mid-upload left; recent files may belong to another process sharing the folder.</summary>
    public void Sweep()
    {
        Directory.CreateDirectory(folder);
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
            if (DateTime.UtcNow - file.LastWriteTimeUtc > AbandonedAfter) Discard(file.FullName);
    }

    public string Create()
    {
        Directory.CreateDirectory(folder);
        return Path.Join(folder, Guid.NewGuid().ToString("N") + ".part");
    }

    /// <summary>Renames a complete, fsynced partial file over <paramref name="target"/> and makes the rename durable.</summary>
    public static void MoveIntoPlace(string partial, string target, string key)
    {
        var parent = Path.GetDirectoryName(target)!;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // The new folders on the way (a run's first artifacts/model/) must outlive a power loss as much as the file.
                DurableFolders.Create(parent);
                File.Move(partial, target, overwrite: true);
                DirectorySync.Flush(parent);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A delete pruned the folder between the two calls; create it again.
            }
            catch (IOException) when (Directory.Exists(target))
            {
                throw MlopsException.Invalid(ArtifactPath.Field, $"'{key}' is a directory");
            }
        }
    }

    public static void Discard(string partial)
    {
        try
        {
            File.Delete(partial);
        }
        catch (IOException)
        {
            // Swept at a later start.
        }
    }
}
