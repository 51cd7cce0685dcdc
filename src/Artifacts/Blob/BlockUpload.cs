using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace MlOps.Orleans.Artifacts.Blob;

/// <summary>
/// Streams content into a block blob: fixed-size blocks, a few staged at once, committed in one call at the end. Staged but
/// uncommitted blocks are invisible and expire on their own, so a failed or refused upload leaves the blob as it was.
/// </summary>
internal static class BlockUpload
{
    public const int BlockSize = 4 << 20;
    private const int BlocksInFlight = 4;

    public static async Task<StoredArtifact> RunAsync(BlockBlobClient blob, Stream content, ExpectedContent? expected, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Ids unique to this upload, all the same length (the service requires it), so concurrent writers never mix blocks.
        var upload = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        var inFlight = new List<Task>();
        long size = 0;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                int read;
                try
                {
                    read = await HashingCopy.FillAsync(content, buffer.AsMemory(0, BlockSize), ct).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                hash.AppendData(buffer, 0, read);
                size += read;
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{upload}{ids.Count:D10}"));
                ids.Add(id);
                inFlight.Add(StageAsync(blob, id, buffer, read, abort.Token));
                if (inFlight.Count >= BlocksInFlight)
                {
                    var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                    inFlight.Remove(done);
                    await done.ConfigureAwait(false);
                }
                if (read < BlockSize) break;
            }
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        catch
        {
            await abort.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(inFlight).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
        var stored = new StoredArtifact(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        expected?.Verify(stored);
        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions(), ct).ConfigureAwait(false);
        return stored;
    }

    private static async Task StageAsync(BlockBlobClient blob, string id, byte[] buffer, int count, CancellationToken ct)
    {
        try
        {
            using var block = new MemoryStream(buffer, 0, count, writable: false);
            await blob.StageBlockAsync(id, block, new BlockBlobStageBlockOptions(), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
