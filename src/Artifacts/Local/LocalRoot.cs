using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts.Local;

/// <summary>
/// Maps checked keys to paths under one real (link-free) root folder. Reads may pass through a symbolic link only when the
/// real path stays inside the root; writes and deletes never pass through one, so a link planted inside the root can
/// neither expose nor overwrite anything outside it.
/// </summary>
internal sealed class LocalRoot
{
    private const int MaxLinkHops = 40;

    public LocalRoot(string root)
    {
        DurableFolders.Create(root);
        FullPath = RealPath(Path.GetFullPath(root));
    }

    /// <summary>The root with every symbolic link in it resolved.</summary>
    public string FullPath { get; }

    /// <summary>The real path of <paramref name="key"/>; INVALID_ARGUMENT when a link takes it out of the root.</summary>
    public string ForRead(string key)
    {
        var real = RealPath(Path.Join(FullPath, key));
        if (!Contains(real))
            throw MlopsException.Invalid(ArtifactPath.Field, $"'{key}' leaves the artifact root through a symbolic link");
        return real;
    }

    /// <summary>The path of <paramref name="key"/>, refusing any existing link on the way and any file used as a folder.</summary>
    public string ForWrite(string key)
    {
        var segments = key.Split('/');
        var current = FullPath;
        for (var i = 0; i < segments.Length; i++)
        {
            current = Path.Join(current, segments[i]);
            if (new FileInfo(current).LinkTarget is not null)
                throw MlopsException.Invalid(ArtifactPath.Field, $"'{string.Join('/', segments[..(i + 1)])}' is a symbolic link; writes and deletes never follow links");
            if (i < segments.Length - 1 && File.Exists(current))
                throw MlopsException.Invalid(ArtifactPath.Field, $"'{string.Join('/', segments[..(i + 1)])}' is a file, so nothing can be stored under it");
        }
        return current;
    }

    public bool Contains(string realPath) =>
        realPath == FullPath || realPath.StartsWith(FullPath + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>realpath(3) for paths that may not exist yet: each existing link is replaced by its target, hop by hop.</summary>
    private static string RealPath(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? throw new ArgumentException($"'{fullPath}' is not rooted", nameof(fullPath));
        var pending = new Stack<string>(Parts(fullPath[root.Length..]).Reverse());
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
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops) throw MlopsException.Invalid(ArtifactPath.Field, "too many levels of symbolic links");
            // A relative target is resolved from the link's folder, which is already real.
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            foreach (var p in Parts(target[(Path.IsPathRooted(target) ? Path.GetPathRoot(target)!.Length : 0)..]).Reverse()) pending.Push(p);
        }
        return current;
    }

    private static string[] Parts(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
