namespace MlOps.Orleans.Artifacts.Local;

/// <summary>
/// Creates folders that hold durable files. A new folder is only an entry in its parent until the parent is fsynced: sync
/// only the file's own folder and, after a power loss, a run's first <c>artifacts/model/</c> can be gone with the file in it.
/// So missing folders are created one level at a time, from the top, and each new one's parent is fsynced, up to and
/// including the first folder that already existed (the store root, once it exists).
/// </summary>
public static class DurableFolders
{
    /// <summary>Creates <paramref name="folder"/> and its missing parents durably; returns the folders it created, top first.</summary>
    /// <exception cref="IOException">A folder could not be created or synced; the message names it.</exception>
    public static IReadOnlyList<string> Create(string folder) => Create(folder, DirectorySync.Flush);

    /// <param name="sync">fsync of one folder; tests record the calls.</param>
    internal static IReadOnlyList<string> Create(string folder, Action<string> sync)
    {
        var missing = new Stack<string>();
        for (var f = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)); f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
            missing.Push(f);
        var created = new List<string>(missing.Count);
        // One seen missing is synced here even when a concurrent writer's mkdir won. A writer that finds a folder already
        // there relies on its creator, which syncs right after its mkdir: the window is that one call.
        foreach (var f in missing)
        {
            Directory.CreateDirectory(f);
            sync(Path.GetDirectoryName(f)!);
            created.Add(f);
        }
        return created;
    }
}
