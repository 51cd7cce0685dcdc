using MlOps.Orleans.Bench.Cli;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>Finds the built server: benchmarks run a Release build, never <c>dotnet run</c>, so startup compiles nothing.</summary>
internal static class SiloLocator
{
    public const string EnvironmentVariable = "MLOPS_SILO_DLL";
    private const string DllName = "MlOps.Orleans.Silo.dll";

    public static string Find(string? explicitPath)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(explicitPath)) candidates.Add(explicitPath);
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnv) candidates.Add(fromEnv);
        if (FindRepositoryRoot() is { } root)
        {
            candidates.Add(Path.Combine(root, "artifacts", "bin", "Silo", "release", DllName));
            candidates.Add(Path.Combine(root, "src", "Silo", "bin", "Release", "net10.0", DllName));
        }
        // Where the documented build command (`--artifacts-path /tmp/build-bench`) puts it.
        candidates.Add(Path.Combine(Path.GetTempPath(), "build-bench", "bin", "Silo", "release", DllName));
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is not null) return Path.GetFullPath(found);
        if (!string.IsNullOrEmpty(explicitPath)) throw new UsageException($"--silo-dll '{explicitPath}' does not exist");
        throw new UsageException($"no Release build of the server found (looked in: {string.Join(", ", candidates)}); " +
            $"build it with `dotnet build src/Silo -c Release --artifacts-path /tmp/build-bench` or pass --silo-dll / {EnvironmentVariable}");
    }

    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MlOps.Orleans.sln"))) return dir.FullName;
        }
        return null;
    }
}
