using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>What the figures were measured on; recorded with every result, since they mean little without it.</summary>
internal static class Machine
{
    public static int Cores => Environment.ProcessorCount;

    public static string CpuModel { get; } = ReadField("/proc/cpuinfo", "model name") ?? "unknown";

    public static double RamGiB { get; } =
        ReadField("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], CultureInfo.InvariantCulture, out var k)
            ? Math.Round(k / 1024.0 / 1024.0, 1) : double.NaN;

    public static JsonObject ToJson() => new()
    {
        ["nproc"] = Cores, ["cpu"] = CpuModel, ["ram_gib"] = RamGiB, ["os"] = Environment.OSVersion.VersionString,
        ["dotnet"] = Environment.Version.ToString(),
    };

    public static string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Cores} cores, {CpuModel}, {RamGiB:0.#} GiB");

    private static string? ReadField(string path, string name)
    {
        if (!File.Exists(path)) return null;
        return File.ReadLines(path)
            .Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();
    }
}
