using Azure.Storage.Blobs;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>
/// The embedded platform with its artifacts in Azure Blob Storage (Azurite), in a container of its own. Without Azurite it
/// does not start (never falling back to the folder backend): every test of the class fails, or is skipped when allowed.
/// </summary>
public sealed class BlobPlatformFixture : PlatformFixture, IAsyncLifetime
{
    public string? ConnectionString { get; private set; }

    public string Container { get; } = TestAzurite.NewContainerName();

    protected override Task<Dictionary<string, string?>> BackendSettingsAsync()
    {
        ConnectionString = TestAzurite.ConnectionString;
        return Task.FromResult(new Dictionary<string, string?>
        {
            ["Mlops:Mode"] = "Embedded",
            ["Mlops:Artifacts:Provider"] = "AzureBlob",
            ["Mlops:Artifacts:ConnectionString"] = ConnectionString,
            ["Mlops:Artifacts:Container"] = Container,
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (ConnectionString is not null) await new BlobContainerClient(ConnectionString, Container).DeleteIfExistsAsync();
    }
}
