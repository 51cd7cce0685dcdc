using System.Runtime.CompilerServices;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>
/// The platform's built entry assemblies. Search order: <see cref="OverrideVariable"/> alone when set; else the build this
/// test assembly belongs to (the same <c>--artifacts-path</c>, or <c>src/X/bin/&lt;Config&gt;/net10.0</c> beside
/// <c>tests/…/bin/&lt;Config&gt;/net10.0</c>); else any build in the repository. Within a tier the newest file wins.
/// </summary>
public static class PlatformBinaries
{
    /// <summary>A folder (a build output or an artifacts root) searched first and alone when set.</summary>
    public const string OverrideVariable = "MLOPS_BUILD_OUTPUT";
    private const string SolutionFile = "MlOps.Orleans.sln";

    public static string Silo => Find("Silo", "MlOps.Orleans.Silo.dll");

    public static string Gateway => Find("Gateway", "MlOps.Orleans.Gateway.dll");

    private static string Find(string project, string dll)
    {
        var searched = new List<string>();
        IEnumerable<List<string>> tiers = Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } root
            ? [Override(root, dll, searched)]
            : [SameBuild(project, dll, searched), Repository(project, dll, searched)];
        foreach (var tier in tiers)
        {
            var runnable = tier
                .Where(f => File.Exists(f) && File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                .Select(Path.GetFullPath)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            // A project that references the app (the tests do) gets a runnable-looking copy; the app's own output sits under its name.
            var own = runnable.Where(f => f.Split(Path.DirectorySeparatorChar).Contains(project, StringComparer.Ordinal)).ToList();
            if ((own.Count > 0 ? own : runnable).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() is { } found) return found;
        }
        throw new FileNotFoundException(
            $"No built {dll} (with its .runtimeconfig.json) was found; build src/{project} first " +
            $"(e.g. `dotnet build src/{project} --artifacts-path <same path as the tests>`) or set {OverrideVariable}. Searched: {string.Join("; ", searched)}");
    }

    private static List<string> Override(string root, string dll, List<string> searched)
    {
        searched.Add($"{root} (from {OverrideVariable})");
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, dll, SearchOption.AllDirectories).ToList() : [];
    }

    /// <summary>The build the tests themselves came from.</summary>
    private static List<string> SameBuild(string project, string dll, List<string> searched)
    {
        var files = new List<string>();
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        // --artifacts-path layout: <artifacts>/bin/MlOps.Orleans.Tests/debug next to <artifacts>/bin/Silo/debug.
        for (var dir = testOutput; dir is not null; dir = dir.Parent)
        {
            var artifacts = Path.Combine(dir.FullName, "bin", project);
            if (!Directory.Exists(artifacts)) continue;
            files.AddRange(Subfolders(artifacts, "*", dll, searched));
            break;
        }
        // Plain layout: <repo>/tests/<name>/bin/<Config>/<tfm> next to <repo>/src/Silo/bin/<Config>/<tfm>.
        if (testOutput is { Parent.Parent.Name: "bin", Parent.Parent.Parent.Parent.Parent: { } repo } &&
            File.Exists(Path.Combine(repo.FullName, SolutionFile)))
        {
            var folder = Path.Combine(repo.FullName, "src", project, "bin", testOutput.Parent.Name, testOutput.Name);
            searched.Add(folder);
            files.Add(Path.Combine(folder, dll));
        }
        return files;
    }

    /// <summary>Any build in the repository: every configuration of a plain build and the repository's artifacts folder.</summary>
    private static List<string> Repository(string project, string dll, List<string> searched)
    {
        var roots = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(SourceFile()) ?? "." }
            .Select(start => Ancestors(start).FirstOrDefault(d => File.Exists(Path.Combine(d, SolutionFile))))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        var files = new List<string>();
        foreach (var repo in roots)
        {
            var bin = Path.Combine(repo, "src", project, "bin");
            if (Directory.Exists(bin))
                foreach (var configuration in Directory.EnumerateDirectories(bin))
                    files.AddRange(Subfolders(configuration, "net10.0", dll, searched));
            files.AddRange(Subfolders(Path.Combine(repo, "artifacts", "bin", project), "*", dll, searched));
        }
        return files;
    }

    private static IEnumerable<string> Subfolders(string folder, string pattern, string dll, List<string> searched)
    {
        if (!Directory.Exists(folder)) return [];
        searched.Add(Path.Combine(folder, pattern));
        return Directory.EnumerateDirectories(folder, pattern).Select(sub => Path.Combine(sub, dll)).ToList();
    }

    private static IEnumerable<string> Ancestors(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent) yield return dir.FullName;
    }

    // A test build outside the repository still knows where its sources were compiled from.
    private static string SourceFile([CallerFilePath] string path = "") => path;
}
