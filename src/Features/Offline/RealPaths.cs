namespace MlOps.Orleans.Features.Offline;

/// <summary>realpath(3) in managed code: the sandbox checks folders by real path, so a link cannot lead a source elsewhere.</summary>
internal static class RealPaths
{
    private const int MaxHops = 40;

    /// <summary>The absolute path with "." and ".." removed and every symbolic link on it replaced by its target.</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Parts(full[root.Length..]).Reverse());
        var current = root;
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxHops) throw new IOException($"too many levels of symbolic links in '{path}'");
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            foreach (var p in Parts(Path.IsPathRooted(target) ? target[Path.GetPathRoot(target)!.Length..] : target).Reverse()) pending.Push(p);
        }
        return current;
    }

    /// <summary>Whether <paramref name="realPath"/> is <paramref name="realFolder"/> or inside it.</summary>
    public static bool IsUnder(string realPath, string realFolder)
    {
        var folder = realFolder.TrimEnd(Path.DirectorySeparatorChar);
        return realPath == folder || realPath.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || folder.Length == 0;
    }

    private static string[] Parts(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
