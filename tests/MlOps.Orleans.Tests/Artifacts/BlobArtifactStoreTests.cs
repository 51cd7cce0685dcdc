using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Blob;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>The store contract on Azure Blob Storage (Azurite), one fresh container per test.</summary>
[Trait("Category", Category.Platform)]
public sealed class BlobArtifactStoreTests : ArtifactStoreContract
{
    private BlobContainerClient? _container;

    protected override Task<IArtifactStore> CreateStoreAsync()
    {
        _container = new BlobContainerClient(TestAzurite.ConnectionString, TestAzurite.NewContainerName());
        return Task.FromResult<IArtifactStore>(new BlobArtifactStore(_container));
    }

    protected override Task<IReadOnlyList<string>> VisibleAsync() => NamesAsync(BlobStates.None);

    /// <summary>Committed blobs and blobs with only staged blocks: a refused write must not even have staged one.</summary>
    protected override Task<IReadOnlyList<string>> EverythingAsync() => NamesAsync(BlobStates.Uncommitted);

    protected override async Task CleanUpAsync()
    {
        if (_container is not null) await _container.DeleteIfExistsAsync();
    }

    [SkippableFact]
    public async Task Initialize_creates_the_missing_container()
    {
        Assert.True((await _container!.ExistsAsync()).Value);
    }

    [SkippableFact]
    public async Task Key_longer_than_a_blob_name_may_be_is_refused_before_any_request()
    {
        var key = Key(string.Join('/', Enumerable.Repeat(new string('k', 200), 5)));
        Assert.True(key.Length > BlobArtifactStore.MaxKeyLength);
        var e = await Assert.ThrowsAsync<MlopsException>(() => Store.WriteAsync(key, new PatternStream(1, 1)));
        Assert.Contains("1024", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Unreachable_service_is_unavailable_not_internal()
    {
        var dead = new BlobArtifactStore(new BlobContainerClient(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Convert.ToBase64String(new byte[64]) +
            ";BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;", "x-dead",
            new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } }));
        var e = await Assert.ThrowsAsync<MlopsException>(() => dead.ExistsAsync("a/b.txt"));
        Assert.Equal(ErrorCode.Unavailable, e.Code);
    }

    private async Task<IReadOnlyList<string>> NamesAsync(BlobStates states)
    {
        var names = new List<string>();
        await foreach (var item in _container!.GetBlobsAsync(new GetBlobsOptions { States = states })) names.Add(item.Name);
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
