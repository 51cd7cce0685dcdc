using System.Reflection;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// The platform's own assemblies, the ones that can hold Orleans-serialized types and grains. Every MlOps.Orleans.* assembly
/// beside the tests is taken (not a fixed list), so a contract moved into a new assembly under src/ is still covered.
/// </summary>
internal static class WireAssemblies
{
    private const string Prefix = "MlOps.Orleans.";

    public static IReadOnlyList<Assembly> All { get; } = Load();

    public static bool Contains(Type type) => All.Contains(type.Assembly);

    /// <summary>Every loadable type of our assemblies, ordinal by full name so the snapshot does not depend on metadata order.</summary>
    public static IEnumerable<Type> Types() => All
        .SelectMany(a => a.GetTypes())
        .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static List<Assembly> Load()
    {
        var testAssembly = typeof(WireAssemblies).Assembly.GetName().Name!;
        return Directory.EnumerateFiles(AppContext.BaseDirectory, Prefix + "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !string.Equals(name, testAssembly, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            // By name, not by path: the default load context then hands out the same Assembly objects the tests use.
            .Select(name => Assembly.Load(new AssemblyName(name!)))
            .ToList();
    }
}
