using System.Text;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>The committed snapshot in the source tree (not the copy in bin/), and a short readable diff against it.</summary>
internal static class SnapshotFile
{
    /// <summary>Set to 1 to rewrite the committed file from the build instead of only comparing.</summary>
    public const string UpdateVariable = "MLOPS_UPDATE_WIRE_SNAPSHOT";

    public const string RelativePath = "tests/wire-snapshot.txt";

    private const string SolutionFile = "MlOps.Orleans.sln";
    private const int MaxDiffLines = 40;

    public static bool UpdateRequested => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Walks up from the test output (bin/…, or an --artifacts-path tree) to the folder holding the solution.</summary>
    public static string Locate()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return Path.Combine(dir.FullName, RelativePath);
            }
        }

        throw new FileNotFoundException($"No {SolutionFile} above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; cannot find {RelativePath}.");
    }

    /// <summary>The committed text with '\n' line endings (a checkout may have turned them into "\r\n"), or null when absent.</summary>
    public static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : null;

    public static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>
    /// The differing lines as hunks ("-" committed, "+" generated, one line of context, line numbers of the committed
    /// file), capped. A plain LCS over lines: the file has under a few thousand lines, so the quadratic table is cheap.
    /// </summary>
    public static string Diff(string committed, string generated)
    {
        var expected = committed.Split('\n');
        var actual = generated.Split('\n');
        // common[i, j] = length of the longest common subsequence of expected[i..] and actual[j..].
        var common = new int[expected.Length + 1, actual.Length + 1];
        for (var i = expected.Length - 1; i >= 0; i--)
        {
            for (var j = actual.Length - 1; j >= 0; j--)
            {
                common[i, j] = expected[i] == actual[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        // Walk the table into (kind, committed line number, text) with kind ' ', '-' or '+'.
        var script = new List<(char Kind, int Line, string Text)>();
        int e = 0, a = 0;
        while (e < expected.Length || a < actual.Length)
        {
            if (e < expected.Length && a < actual.Length && expected[e] == actual[a]) script.Add((' ', ++e, actual[a++]));
            else if (e < expected.Length && (a == actual.Length || common[e + 1, a] >= common[e, a + 1])) script.Add(('-', ++e, expected[e - 1]));
            else script.Add(('+', e, actual[a++]));
        }

        var lines = new List<string>();
        var lastShown = -1;
        for (var k = 0; k < script.Count; k++)
        {
            // A line is shown when it changed or sits next to a change; a gap between shown lines is marked.
            if (!Enumerable.Range(k - 1, 3).Any(n => n >= 0 && n < script.Count && script[n].Kind != ' ')) continue;
            if (lastShown >= 0 && k > lastShown + 1) lines.Add("  ...");
            lastShown = k;
            var (kind, line, text) = script[k];
            lines.Add(kind == '+' ? $"+ {"",5}   {text}" : $"{kind} {line,5}   {text}");
        }

        var shown = lines.Take(MaxDiffLines).ToList();
        if (lines.Count > MaxDiffLines) shown.Add($"... {lines.Count - MaxDiffLines} more diff lines");
        return string.Join('\n', shown);
    }
}
