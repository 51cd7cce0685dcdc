namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>The Azurite blob emulator the test command starts (scripts/services.sh); each caller gets a container of its own.</summary>
public static class TestAzurite
{
    public const string Variable = "MLOPS_TEST_AZURITE";
    public const string AllowMissingVariable = "MLOPS_TEST_ALLOW_NO_AZURITE";

    /// <summary>
    /// The connection string; null only when <see cref="AllowMissingVariable"/>=1 lets a blob test pass without Azurite.
    /// Otherwise a missing emulator is a failure: the test command always starts one.
    /// </summary>
    public static string? ConnectionStringOrSkip()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connectionString) return connectionString;
        if (Environment.GetEnvironmentVariable(AllowMissingVariable) == "1") return null;
        throw new InvalidOperationException(
            $"{Variable} is not set, so this Azure Blob test cannot run. Run the suite through ./test.sh (it starts Azurite and sets " +
            $"{Variable}), or `source scripts/services.sh; services_start` first; set {AllowMissingVariable}=1 to skip on purpose.");
    }

    /// <summary>A fresh, valid container name.</summary>
    public static string NewContainerName() => "t" + Guid.NewGuid().ToString("N");
}
