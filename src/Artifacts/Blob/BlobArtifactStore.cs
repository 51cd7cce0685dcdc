using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Artifacts.Blob;

/// <summary>
/// Artifacts as block blobs in one container (the cluster backend): keys are blob names, directories are name prefixes.
/// Writes commit staged blocks at the end; copies run inside the service.
/// </summary>
public sealed class BlobArtifactStore(BlobContainerClient container) : IArtifactStore
{
    /// <summary>Azure's limit on a blob name.</summary>
    public const int MaxKeyLength = 1024;
    private const int ReadAttempts = 3;

    public string Location => container.Uri.ToString();

    public Task InitializeAsync(CancellationToken ct = default) =>
        Guard(() => container.CreateIfNotExistsAsync(cancellationToken: ct));

    public Task<StoredArtifact> WriteAsync(string key, Stream content, ExpectedContent? expected = null, CancellationToken ct = default)
    {
        CheckKey(key);
        return Guard(() => BlockUpload.RunAsync(container.GetBlockBlobClient(key), content, expected, ct));
    }

    public async Task<ArtifactContent> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        CheckKey(key);
        var blob = container.GetBlobClient(key);
        for (var attempt = 1; ; attempt++)
        {
            var properties = (await Guard(() => blob.GetPropertiesAsync(cancellationToken: ct), key).ConfigureAwait(false)).Value;
            var count = ArtifactRange.Clip(offset, length, properties.ContentLength);
            if (count == 0) return new ArtifactContent(Stream.Null, properties.ContentLength, offset, 0);
            try
            {
                // Pinned to the version whose size was just read, so the range and the bytes belong to one file.
                var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions
                {
                    Range = new HttpRange(offset, count),
                    Conditions = new BlobRequestConditions { IfMatch = properties.ETag },
                }, ct).ConfigureAwait(false);
                return new ArtifactContent(download.Value.Content, properties.ContentLength, offset, count);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < ReadAttempts)
            {
                // Replaced between the two calls: read the new version.
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw NoFile(key);
            }
            catch (RequestFailedException e)
            {
                throw Unavailable(e);
            }
        }
    }

    public Task<IReadOnlyList<ArtifactEntry>> ListAsync(string directory, bool recursive, CancellationToken ct = default)
    {
        directory = ArtifactKeys.ValidateDirectory(directory);
        var prefix = directory.Length == 0 ? "" : directory + "/";
        return Guard(async () =>
        {
            var entries = new List<ArtifactEntry>();
            if (recursive)
            {
                await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct).ConfigureAwait(false))
                    entries.Add(new ArtifactEntry(item.Name, false, item.Properties.ContentLength ?? 0));
            }
            else
            {
                await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/" }, ct).ConfigureAwait(false))
                    entries.Add(item.IsPrefix
                        ? new ArtifactEntry(item.Prefix.TrimEnd('/'), true, 0)
                        : new ArtifactEntry(item.Blob.Name, false, item.Blob.Properties.ContentLength ?? 0));
            }
            entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return (IReadOnlyList<ArtifactEntry>)entries;
        });
    }

    public Task<bool> DeleteAsync(string key, CancellationToken ct = default)
    {
        CheckKey(key);
        return Guard(async () =>
        {
            var deleted = (await container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false)).Value;
            foreach (var name in await NamesUnderAsync(key, ct).ConfigureAwait(false))
                deleted |= (await container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false)).Value;
            return deleted;
        });
    }

    public Task<int> CopyAsync(string sourceKey, string destinationKey, CancellationToken ct = default)
    {
        CheckKey(sourceKey, "source");
        CheckKey(destinationKey, "destination");
        return Guard(async () =>
        {
            if ((await container.GetBlobClient(sourceKey).ExistsAsync(ct).ConfigureAwait(false)).Value)
            {
                await CopyBlobAsync(sourceKey, destinationKey, ct).ConfigureAwait(false);
                return 1;
            }
            var names = await NamesUnderAsync(sourceKey, ct).ConfigureAwait(false);
            if (names.Count == 0) throw NoFile(sourceKey);
            foreach (var name in names)
            {
                var target = destinationKey + name[sourceKey.Length..];
                CheckKey(target, "destination");
                await CopyBlobAsync(name, target, ct).ConfigureAwait(false);
            }
            return names.Count;
        });
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct = default)
    {
        CheckKey(key);
        return Guard(async () =>
        {
            if ((await container.GetBlobClient(key).ExistsAsync(ct).ConfigureAwait(false)).Value) return true;
            await foreach (var _ in container.GetBlobsAsync(new GetBlobsOptions { Prefix = key + "/" }, ct).ConfigureAwait(false)) return true;
            return false;
        });
    }

    private async Task CopyBlobAsync(string sourceKey, string destinationKey, CancellationToken ct)
    {
        var copy = await container.GetBlobClient(destinationKey)
            .StartCopyFromUriAsync(container.GetBlobClient(sourceKey).Uri, new BlobCopyFromUriOptions(), ct).ConfigureAwait(false);
        await copy.WaitForCompletionAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Every blob name under a directory key, listed before anything changes them.</summary>
    private async Task<List<string>> NamesUnderAsync(string key, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = key + "/" }, ct).ConfigureAwait(false))
            names.Add(item.Name);
        return names;
    }

    private static void CheckKey(string key, string field = ArtifactPath.Field)
    {
        ArtifactKeys.Validate(key, field);
        if (key.Length > MaxKeyLength)
            throw MlopsException.Invalid(field, $"{field} makes a blob name of {key.Length} characters; Azure Blob Storage allows at most {MaxKeyLength}");
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call, string? key = null)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404 && key is not null)
        {
            throw NoFile(key);
        }
        catch (RequestFailedException e)
        {
            throw Unavailable(e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is RequestFailedException))
        {
            // The SDK's retry policy gave up; its attempts are inside.
            throw Unavailable(e.InnerExceptions[^1]);
        }
    }

    private static MlopsException NoFile(string key) => MlopsException.NotFound($"no artifact file at '{key}'");

    private static MlopsException Unavailable(Exception e) =>
        new(ErrorCode.Unavailable, $"the artifact store did not complete the request: {(e as RequestFailedException)?.ErrorCode ?? e.GetType().Name}: {e.Message.Split('\n')[0]}");
}
