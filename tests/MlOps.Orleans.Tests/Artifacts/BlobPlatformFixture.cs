using Azure.Storage.Blobs;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>The embedded platform with its artifacts in Azure Blob Storage (Azurite), in a container of its own.</summary>
public sealed class BlobPlatformFixture : PlatformFixture, IAsyncLifetime
{
    /// <summary>Null when Azurite is absent and the environment allows skipping; the tests then pass without running.</summary>
    public string? ConnectionString { get; } = TestAzurite.ConnectionStringOrSkip();

    public string Container { get; } = TestAzurite.NewContainerName();

    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() => Task.FromResult(ConnectionString is null
        ? new Dictionary<string, string?> { ["Mlops:Mode"] = "Embedded" }
        : new Dictionary<string, string?>
        {
            ["Mlops:Mode"] = "Embedded",
            ["Mlops:Artifacts:Provider"] = "AzureBlob",
            ["Mlops:Artifacts:ConnectionString"] = ConnectionString,
            ["Mlops:Artifacts:Container"] = Container,
        });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (ConnectionString is not null) await new BlobContainerClient(ConnectionString, Container).DeleteIfExistsAsync();
    }
}
