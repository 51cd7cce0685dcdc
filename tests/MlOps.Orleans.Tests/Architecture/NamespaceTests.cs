using System.Text.RegularExpressions;
using System.Xml.Linq;

using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Architecture;

/// <summary>
/// A reader finds a type by folder: every file under src/ declares the namespace of its project's root namespace plus its
/// folder path, so no namespace is declared by two projects (the contracts' capabilities live in MlOps.Orleans.Contracts.*).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed partial class NamespaceTests
{
    [Fact]
    public void Every_source_file_declares_its_project_and_folder_namespace()
    {
        var mismatches = new List<string>();
        foreach (var (project, root) in Projects())
        {
            var folder = Path.Combine(ProjectGraph.RepositoryRoot, "src", project);
            foreach (var file in SourceFiles(folder))
            {
                var declared = NamespaceDeclaration().Match(File.ReadAllText(file));
                if (!declared.Success) continue;
                var relative = Path.GetRelativePath(folder, Path.GetDirectoryName(file)!);
                var expected = relative == "." ? root : root + "." + relative.Replace(Path.DirectorySeparatorChar, '.');
                if (declared.Groups[1].Value != expected)
                    mismatches.Add($"{Path.GetRelativePath(ProjectGraph.RepositoryRoot, file)}: namespace {declared.Groups[1].Value}, expected {expected}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void No_namespace_is_declared_by_two_projects()
    {
        var owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (project, _) in Projects())
            foreach (var file in SourceFiles(Path.Combine(ProjectGraph.RepositoryRoot, "src", project)))
                if (NamespaceDeclaration().Match(File.ReadAllText(file)) is { Success: true } declared)
                    (owners.TryGetValue(declared.Groups[1].Value, out var set) ? set : owners[declared.Groups[1].Value] = []).Add(project);
        var shared = owners.Where(o => o.Value.Count > 1).Select(o => $"{o.Key}: {string.Join(", ", o.Value.Order())}").ToList();
        Assert.True(shared.Count == 0, string.Join("\n", shared));
    }

    private static IEnumerable<(string Project, string RootNamespace)> Projects()
    {
        foreach (var csproj in Directory.EnumerateFiles(Path.Combine(ProjectGraph.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(csproj);
            var root = XDocument.Load(csproj).Descendants("RootNamespace").FirstOrDefault()?.Value ?? "MlOps.Orleans." + name;
            yield return (Path.GetFileName(Path.GetDirectoryName(csproj)!), root);
        }
    }

    /// <summary>Hand-written sources: generated code under obj/ and build output under bin/ are not ours to arrange.</summary>
    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"^namespace ([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
