using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts;

/// <summary>
/// The one place that decides whether a client's path may name a file under an artifact root. A path is taken literally:
/// nothing decodes or normalizes it later, so anything that some layer could turn into a traversal is refused here instead
/// (<c>..</c>, absolute and drive paths, backslashes, percent escapes, Unicode look-alikes, control characters).
/// </summary>
public static partial class ArtifactPath
{
    /// <summary>The field errors name.</summary>
    public const string Field = "path";
    public const int MaxLength = 1024;
    public const int MaxSegmentLength = 255;

    // Slashes and dots that NFKC leaves alone but a reader (or a careless decoder) takes for '/', '\' or '.'.
    private static readonly SearchValues<char> LookAlikes = SearchValues.Create(
        "\u2044\u2215\u2216\u29F8\u29F9\u2571\u2572\u0337\u0338\u3002\u1735\u06D4\u0701\u0702");

    [GeneratedRegex("%[0-9A-Fa-f]{2}", RegexOptions.CultureInvariant)]
    private static partial Regex PercentEscape();

    [GeneratedRegex("^[A-Za-z]:", RegexOptions.CultureInvariant)]
    private static partial Regex DrivePrefix();

    /// <summary>A file path: required, relative, safe. Returns it unchanged.</summary>
    public static string File(string? path, string field = Field)
    {
        if (string.IsNullOrEmpty(path)) throw MlopsException.Invalid(field, $"{field} is required");
        Check(path, field);
        return path;
    }

    /// <summary>A directory path: like <see cref="File"/>, but "" names the root itself.</summary>
    public static string Directory(string? path, string field = Field)
    {
        if (string.IsNullOrEmpty(path)) return "";
        Check(path, field);
        return path;
    }

    /// <summary>A checked relative path under a root key.</summary>
    public static string Join(string root, string relative) => relative.Length == 0 ? root : root + "/" + relative;

    private static void Check(string path, string field)
    {
        if (path.Length > MaxLength)
            throw MlopsException.Invalid(field, $"{field} is {path.Length} characters long; at most {MaxLength} are allowed");
        for (var i = 0; i < path.Length;)
        {
            if (Rune.DecodeFromUtf16(path.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
                throw MlopsException.Invalid(field, $"{field} contains an unpaired UTF-16 surrogate at position {i}");
            if (rune.Value == 0) throw MlopsException.Invalid(field, $"{field} contains a NUL character at position {i}");
            if (IsControl(rune)) throw MlopsException.Invalid(field, $"{field} contains the control character {Name(rune)} at position {i}");
            if (rune.Value == '\\') throw MlopsException.Invalid(field, $"{field} contains a backslash at position {i}; separate segments with '/'");
            i += consumed;
        }
        if (PercentEscape().Match(path) is { Success: true } escape)
            throw MlopsException.Invalid(field, $"{field} contains the percent escape '{escape.Value}' at position {escape.Index}; " +
                "paths are taken literally and escapes are refused so that no layer can decode one into a traversal");
        if (!path.IsNormalized(NormalizationForm.FormKC))
            throw MlopsException.Invalid(field, $"{field} changes under Unicode NFKC normalization{FirstChange(path)}; " +
                "compatibility characters such as fullwidth or leader dots and slashes are refused (send the normalized form)");
        if (path.AsSpan().IndexOfAny(LookAlikes) is var lookAlike and >= 0)
            throw MlopsException.Invalid(field, $"{field} contains {Name(new Rune(path[lookAlike]))} at position {lookAlike}, a look-alike of '/', '\\' or '.'");
        if (path[0] == '/') throw MlopsException.Invalid(field, $"{field} must be relative to the artifact root; it starts with '/'");
        if (DrivePrefix().IsMatch(path)) throw MlopsException.Invalid(field, $"{field} must be relative to the artifact root; it starts with the drive '{path[..2]}'");
        foreach (var segment in path.Split('/'))
            CheckSegment(segment, field);
    }

    private static void CheckSegment(string segment, string field)
    {
        switch (segment)
        {
            case "":
                throw MlopsException.Invalid(field, $"{field} has an empty segment ('//' or a trailing '/')");
            case "..":
                throw MlopsException.Invalid(field, $"{field} has a '..' segment; paths may not leave the artifact root");
            case ".":
                throw MlopsException.Invalid(field, $"{field} has a '.' segment");
        }
        if (segment.Length > MaxSegmentLength)
            throw MlopsException.Invalid(field, $"{field} has a segment of {segment.Length} characters; at most {MaxSegmentLength} are allowed");
        // Windows and Azure Blob Storage drop these silently, so 'a.' and 'a' (or '.. ' and '..') would name one file.
        if (segment[^1] is '.' or ' ')
            throw MlopsException.Invalid(field, $"{field} segment '{segment}' ends with a dot or a space");
    }

    private static bool IsControl(Rune c) =>
        Rune.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string FirstChange(string path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var length = char.IsHighSurrogate(path[i]) && i + 1 < path.Length ? 2 : 1;
            var text = path.Substring(i, length);
            if (!text.IsNormalized(NormalizationForm.FormKC)) return $" ({Name(Rune.GetRuneAt(path, i))} at position {i})";
            i += length - 1;
        }
        return "";
    }

    private static string Name(Rune c) => $"U+{c.Value:X4}";
}
