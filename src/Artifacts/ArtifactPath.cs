using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts;

/// <summary>
/// The one place that decides whether a client's path may name a file under an artifact root. A path is taken literally:
/// nothing decodes or normalizes it later, so anything that some layer could turn into a traversal is refused here instead
/// (<c>..</c>, absolute and drive paths, backslashes, percent escapes that decode into any of those, Unicode look-alikes,
/// control characters). Any other '%' is a literal character: MLflow's own log_image names files
/// <c>key%step%100%timestamp%100%&lt;uuid&gt;</c>, so even <c>%2e</c> or <c>%10</c> can be part of a real name.
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

    // The full stops among them, read as '.' when a decoded path is checked for '..'.
    private static readonly SearchValues<char> DotLookAlikes = SearchValues.Create("\u3002\u06D4\u0701\u0702");

    [GeneratedRegex("%[0-9A-Fa-f]{2}", RegexOptions.CultureInvariant)]
    private static partial Regex PercentEscape();

    [GeneratedRegex("^[A-Za-z]:", RegexOptions.CultureInvariant)]
    private static partial Regex DrivePrefix();

    /// <summary>A file path: required, relative, safe. Returns it unchanged.</summary>
    public static string File(string? path, string field = Field)
    {
        if (string.IsNullOrEmpty(path)) throw Refuse(field, $"{field} is required");
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

    /// <summary>Every refusal opens with MLflow's own words for it, then names the exact problem.</summary>
    private static MlopsException Refuse(string field, string detail) => MlopsException.Invalid(field, "Invalid path: " + detail);

    /// <summary>A checked relative path under a root key.</summary>
    public static string Join(string root, string relative) => relative.Length == 0 ? root : root + "/" + relative;

    private static void Check(string path, string field)
    {
        if (path.Length > MaxLength)
            throw Refuse(field, $"{field} is {path.Length} characters long; at most {MaxLength} are allowed");
        for (var i = 0; i < path.Length;)
        {
            if (Rune.DecodeFromUtf16(path.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
                throw Refuse(field, $"{field} contains an unpaired UTF-16 surrogate at position {i}");
            if (rune.Value == 0) throw Refuse(field, $"{field} contains a NUL character at position {i}");
            if (IsControl(rune)) throw Refuse(field, $"{field} contains the control character {Name(rune)} at position {i}");
            if (rune.Value == '\\') throw Refuse(field, $"{field} contains a backslash at position {i}; separate segments with '/'");
            i += consumed;
        }
        if (PercentEscape().IsMatch(path) && DecodedTraversal(path) is { } why)
            throw Refuse(field, $"{field} contains percent escapes that decode to {why}; paths are taken literally, but no escape " +
                "may decode (once or repeatedly) into a '.' or '..' segment, a leading separator, a drive, NUL or an overlong UTF-8 sequence");
        if (!path.IsNormalized(NormalizationForm.FormKC))
            throw Refuse(field, $"{field} changes under Unicode NFKC normalization{FirstChange(path)}; " +
                "compatibility characters such as fullwidth or leader dots and slashes are refused (send the normalized form)");
        if (path.AsSpan().IndexOfAny(LookAlikes) is var lookAlike and >= 0)
            throw Refuse(field, $"{field} contains {Name(new Rune(path[lookAlike]))} at position {lookAlike}, a look-alike of '/', '\\' or '.'");
        if (path[0] == '/') throw Refuse(field, $"{field} must be relative to the artifact root; it starts with '/'");
        if (DrivePrefix().IsMatch(path)) throw Refuse(field, $"{field} must be relative to the artifact root; it starts with the drive '{path[..2]}'");
        foreach (var segment in path.Split('/'))
            CheckSegment(segment, field);
    }

    private static void CheckSegment(string segment, string field)
    {
        switch (segment)
        {
            case "":
                throw Refuse(field, $"{field} has an empty segment ('//' or a trailing '/')");
            case "..":
                throw Refuse(field, $"{field} has a '..' segment; paths may not leave the artifact root");
            case ".":
                throw Refuse(field, $"{field} has a '.' segment");
        }
        if (segment.Length > MaxSegmentLength)
            throw Refuse(field, $"{field} has a segment of {segment.Length} characters; at most {MaxSegmentLength} are allowed");
        // Windows and Azure Blob Storage drop these silently, so 'a.' and 'a' (or '.. ' and '..') would name one file.
        if (segment[^1] is '.' or ' ')
            throw Refuse(field, $"{field} segment '{segment}' ends with a dot or a space");
    }

    /// <summary>
    /// What the path would become if some layer percent-decoded it (repeatedly, as a careless stack might), when that is
    /// a traversal; null when every decoding stays harmless.
    /// </summary>
    private static string? DecodedTraversal(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        // Each round shrinks the bytes, so decoding to the fixed point ends; every round is checked, not just the last.
        while (true)
        {
            var decoded = PercentDecode(bytes);
            if (decoded.Length == bytes.Length) return null;
            bytes = decoded;
            if (Array.IndexOf(bytes, (byte)0) >= 0) return "NUL";
            for (var i = 0; i + 1 < bytes.Length; i++)
            {
                // Overlong forms that lax UTF-8 decoders turn into '/', '.' or '\\'.
                var next = bytes[i + 1];
                if ((bytes[i] is 0xC0 or 0xC1 && next is >= 0x80 and <= 0xBF) || (bytes[i] == 0xE0 && next is >= 0x80 and <= 0x9F) || (bytes[i] == 0xF0 && next is >= 0x80 and <= 0x8F))
                    return "an overlong UTF-8 sequence";
            }
            // As a later reader would see it: UTF-8, compatibility-normalized, look-alike slashes and dots as the real ones.
            var text = Encoding.UTF8.GetString(bytes).Normalize(NormalizationForm.FormKC);
            var folded = new StringBuilder(text.Length);
            foreach (var ch in text) folded.Append(DotLookAlikes.Contains(ch) ? '.' : LookAlikes.Contains(ch) ? '/' : ch);
            text = folded.ToString();
            if (text.Length > 0 && text[0] is '/' or '\\') return "a path that starts with a separator";
            if (text.Length >= 2 && char.IsAsciiLetter(text[0]) && text[1] == ':') return "a drive";
            // '.', '..' and what some systems read as them ('...', '.. ').
            if (text.Split('/', '\\').Any(segment => segment.Length > 0 && segment.Trim('.', ' ').Length == 0)) return "a '.' or '..' segment";
        }
    }

    private static byte[] PercentDecode(byte[] input)
    {
        var output = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == '%' && i + 2 < input.Length && IsHex(input[i + 1]) && IsHex(input[i + 2]))
            {
                output.Add((byte)(Hex(input[i + 1]) * 16 + Hex(input[i + 2])));
                i += 2;
            }
            else output.Add(input[i]);
        }
        return [.. output];
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

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
