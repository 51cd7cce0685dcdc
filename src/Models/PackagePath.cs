using System.Diagnostics.CodeAnalysis;

namespace MlOps.Orleans.Models;

/// <summary>
/// Turns a path written in a manifest into a file inside the package folder, or says why it cannot be one.
/// A package may come from anyone, so its paths must never reach outside the folder.
/// </summary>
internal static class PackagePath
{
    /// <summary>Why <paramref name="path"/> is not a plain relative path, or null when it is.</summary>
    public static string? FindProblem(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "must not be empty";
        }

        if (path.Contains('\\'))
        {
            return "must use '/' separators, not backslashes";
        }

        if (path.Any(char.IsControl))
        {
            return "must not contain control characters";
        }

        // ':' also catches Windows drive prefixes and URI schemes such as file:.
        if (path.StartsWith('/') || path.Contains(':') || Path.IsPathRooted(path))
        {
            return "must be relative to the package folder";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return "must not contain '..', '.' or empty segments";
            }
        }

        return null;
    }

    /// <summary>
    /// Resolves <paramref name="relative"/> under <paramref name="root"/>, refusing any link on the way: a link is
    /// the other road out of the folder.
    /// </summary>
    public static bool TryResolve(
        string root, string relative, [NotNullWhen(true)] out string? fullPath, [NotNullWhen(false)] out string? problem)
    {
        fullPath = null;
        problem = FindProblem(relative);
        if (problem is not null)
        {
            return false;
        }

        var current = Path.GetFullPath(root);
        foreach (var segment in relative.Split('/'))
        {
            current = Path.Combine(current, segment);
            if (new FileInfo(current).LinkTarget is not null)
            {
                problem = "must not pass through a symbolic link";
                return false;
            }
        }

        fullPath = current;
        return true;
    }
}
