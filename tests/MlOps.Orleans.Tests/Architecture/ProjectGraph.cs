using System.Text.Json;
using System.Xml.Linq;

namespace MlOps.Orleans.Tests.Architecture;

/// <summary>The projects under <c>src/</c> and their references, read from the project files and the built dependency manifests.</summary>
internal static class ProjectGraph
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Project name (folder under src/) → the names it references directly.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> References { get; } = Load();

    /// <summary>A path of references from <paramref name="from"/> to <paramref name="to"/>, or null when there is none.</summary>
    public static IReadOnlyList<string>? PathBetween(string from, string to)
    {
        var previous = new Dictionary<string, string?> { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var project))
        {
            if (project == to)
            {
                var path = new List<string>();
                for (string? p = to; p is not null; p = previous[p]) path.Insert(0, p);
                return path;
            }
            foreach (var next in References.GetValueOrDefault(project, []))
                if (previous.TryAdd(next, project)) queue.Enqueue(next);
        }
        return null;
    }

    /// <summary>Our assemblies (MlOps.Orleans.*) that the built <paramref name="project"/> carries, from its <c>.deps.json</c>.</summary>
    public static IReadOnlyList<string> BuiltDependencies(string project)
    {
        var assembly = $"MlOps.Orleans.{project}";
        var bin = Path.Combine(RepositoryRoot, "src", project, "bin");
        var manifest = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, assembly + ".deps.json", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        Assert.True(manifest is not null, $"no built {assembly}.deps.json under {bin}: build the solution first");
        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "project")
            .Select(library => library.Name.Split('/')[0])
            .Where(name => name != assembly)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static Dictionary<string, IReadOnlyList<string>> Load()
    {
        var graph = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            graph[Path.GetFileNameWithoutExtension(file)] = references;
        }
        return graph;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlOps.Orleans.sln"))) return dir.FullName;
        throw new InvalidOperationException("MlOps.Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
