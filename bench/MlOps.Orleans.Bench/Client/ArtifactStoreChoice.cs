using MlOps.Orleans.Bench.Cli;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// Which artifact backend a started server uses: its local folder (the embedded default) or Azure Blob Storage on an
/// Azurite. Passed as <c>Mlops__Artifacts__*</c> environment settings, the same keys as <c>--Mlops:Artifacts:*</c>.
/// </summary>
internal sealed record ArtifactStoreChoice(string Name, string? ConnectionString, string Container)
{
    public const string Local = "local";
    public const string AzureBlob = "azureblob";
    public const string AzuriteVariable = "MLOPS_TEST_AZURITE";

    public bool IsBlob => Name == AzureBlob;

    public IReadOnlyDictionary<string, string> ServerEnvironment => IsBlob
        ? new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Mlops__Artifacts__Provider"] = "AzureBlob",
            ["Mlops__Artifacts__ConnectionString"] = ConnectionString!,
            ["Mlops__Artifacts__Container"] = Container,
        }
        : new Dictionary<string, string>(StringComparer.Ordinal) { ["Mlops__Artifacts__Provider"] = "Local" };

    /// <summary><c>--stores local,azureblob</c>, <c>--azurite CS</c> (else <c>$MLOPS_TEST_AZURITE</c>), <c>--container bench</c>.</summary>
    public static IReadOnlyList<ArtifactStoreChoice> Read(Options options, string fallback)
    {
        var names = options.String("stores", fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var azurite = Azurite(options);
        var container = options.String("container", "bench");
        var choices = new List<ArtifactStoreChoice>();
        foreach (var name in names.Select(n => n.ToLowerInvariant()).Distinct())
        {
            if (name is not (Local or AzureBlob)) throw new UsageException($"--stores takes {Local} and {AzureBlob}, not '{name}'");
            if (name == AzureBlob && azurite is null)
                throw new UsageException($"--stores {AzureBlob} needs an Azurite: --azurite \"<connection string>\" or ${AzuriteVariable} (source scripts/services.sh; services_start)");
            choices.Add(new ArtifactStoreChoice(name, name == AzureBlob ? azurite : null, container));
        }
        if (choices.Count == 0) throw new UsageException("--stores names no store");
        return choices;
    }

    /// <summary>The Azurite connection string, or null when none is configured.</summary>
    public static string? Azurite(Options options) =>
        options.String("azurite") ?? (Environment.GetEnvironmentVariable(AzuriteVariable) is { Length: > 0 } cs ? cs : null);

    /// <summary>Azurite's node process, for its CPU time: <c>--azurite-pid</c>, else the pid file scripts/services.sh wrote.</summary>
    public static int? AzuritePid(Options options)
    {
        var pid = options.Int("azurite-pid", 0);
        if (pid > 0) return pid;
        var run = Environment.GetEnvironmentVariable("MLOPS_TEST_RUN_DIR");
        var file = run is null ? null : Path.Combine(run, "azurite", "azurite.pid");
        return file is not null && File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var found) ? found : null;
    }
}
