using Azure.Storage.Blobs;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Artifacts.Transfers;

/// <summary>Caps small enough that a test crosses them with a few KiB.</summary>
internal static class TransferCaps
{
    public const long Part = 1024;
    public const long Upload = 2048;

    public static Dictionary<string, string?> With(Dictionary<string, string?> settings)
    {
        settings["Mlops:Artifacts:MaxPartBytes"] = Part.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mlops:Artifacts:MaxUploadBytes"] = Upload.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}

/// <summary>The embedded platform, artifacts in a folder, with small multipart caps.</summary>
public sealed class CappedFolderPlatformFixture : PlatformFixture
{
    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() =>
        Task.FromResult(TransferCaps.With(new() { ["Mlops:Mode"] = "Embedded" }));
}

/// <summary>The embedded platform, artifacts in Azurite in a container of its own, with small multipart caps.</summary>
public sealed class CappedBlobPlatformFixture : PlatformFixture, IAsyncLifetime
{
    private string? _connectionString;
    private readonly string _container = TestAzurite.NewContainerName();

    protected override Task<Dictionary<string, string?>> BackendSettingsAsync()
    {
        _connectionString = TestAzurite.ConnectionString;
        return Task.FromResult(TransferCaps.With(new()
        {
            ["Mlops:Mode"] = "Embedded",
            ["Mlops:Artifacts:Provider"] = "AzureBlob",
            ["Mlops:Artifacts:ConnectionString"] = _connectionString,
            ["Mlops:Artifacts:Container"] = _container,
        }));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_connectionString is not null) await new BlobContainerClient(_connectionString, _container).DeleteIfExistsAsync();
    }
}
