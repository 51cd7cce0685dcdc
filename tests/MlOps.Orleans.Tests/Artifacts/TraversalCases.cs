namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>
/// Paths that must never name a file under an artifact root, each with a word the refusal must contain. Theories take the
/// case name, so test names stay readable (and free of NUL and control characters).
/// </summary>
public static class TraversalCases
{
    public static readonly IReadOnlyDictionary<string, (string Path, string Mention)> All = new Dictionary<string, (string, string)>
    {
        ["parent"] = ("..", "'..'"),
        ["parent-then-file"] = ("../secret.txt", "'..'"),
        ["down-then-up-twice"] = ("a/../../secret.txt", "'..'"),
        ["trailing-parent"] = ("a/..", "'..'"),
        ["absolute"] = ("/etc/passwd", "starts with '/'"),
        ["unc-like"] = ("//server/share/secret.txt", "starts with '/'"),
        ["drive"] = ("C:/Windows/win.ini", "drive"),
        ["drive-relative"] = ("c:secret.txt", "drive"),
        ["backslash-parents"] = ("a\\..\\..\\secret.txt", "backslash"),
        ["backslash-absolute"] = ("\\etc\\passwd", "backslash"),
        ["percent-dots"] = ("%2e%2e/secret.txt", "percent"),
        ["percent-dots-and-slash"] = ("%2E%2E%2Fsecret.txt", "percent"),
        ["percent-slash"] = ("a%2f..%2f..%2fsecret.txt", "percent"),
        ["double-encoded"] = ("%252e%252e/secret.txt", "percent"),
        ["overlong-utf8-slash"] = ("..%c0%afsecret.txt", "percent"),
        ["percent-backslash"] = ("a%5c..%5csecret.txt", "percent"),
        ["percent-colon-drive"] = ("C%3a/secret.txt", "percent"),
        ["percent-nul"] = ("secret.txt%00.png", "percent"),
        ["percent-fullwidth-dots"] = ("%EF%BC%8E%EF%BC%8E/secret.txt", "percent"),
        ["percent-dots-and-space"] = ("%2e%2e%20/secret.txt", "percent"),
        ["percent-three-dots"] = ("%2e%2e%2e/secret.txt", "percent"),
        ["percent-encoded-ten-times"] = ("%" + string.Concat(Enumerable.Repeat("25", 9)) + "2e%2e/secret.txt", "percent"),
        ["fullwidth-dots"] = ("\uFF0E\uFF0E/secret.txt", "NFKC"),
        ["fullwidth-solidus"] = ("..\uFF0Fsecret.txt", "NFKC"),
        ["two-dot-leader"] = ("\u2025/secret.txt", "NFKC"),
        ["one-dot-leaders"] = ("\u2024\u2024/secret.txt", "NFKC"),
        ["small-full-stops"] = ("\uFE52\uFE52/secret.txt", "NFKC"),
        ["fraction-slash"] = ("..\u2044secret.txt", "look-alike"),
        ["division-slash"] = ("..\u2215secret.txt", "look-alike"),
        ["nul"] = ("secret.txt\0.png", "NUL"),
        ["newline"] = ("a\nb.txt", "control"),
        ["bidi-override"] = ("a\u202Etxt.exe", "control"),
        ["empty-segment"] = ("a//b.txt", "empty segment"),
        ["trailing-slash"] = ("a/", "empty segment"),
        ["dot-segment"] = ("./a.txt", "'.' segment"),
        ["trailing-dot"] = ("secret.txt.", "ends with a dot"),
        ["overlong"] = (new string('a', 1025), "1024"),
        ["overlong-segment"] = ("a/" + new string('b', 256), "255"),
        ["empty"] = ("", "required"),
    };

    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var name in All.Keys) names.Add(name);
            return names;
        }
    }
}
