using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>The Azurite blob emulator the test command starts (scripts/services.sh); each caller gets a container of its own.</summary>
public static class TestAzurite
{
    public const string Variable = "MLOPS_TEST_AZURITE";

    /// <summary>The connection string; a missing emulator fails the test, or skips it (see <see cref="TestServices.Require"/>).</summary>
    public static string ConnectionString => TestServices.Require(Variable, "Azure Blob (Azurite)");

    /// <summary>A fresh, valid container name.</summary>
    public static string NewContainerName() => "t" + Guid.NewGuid().ToString("N");
}
