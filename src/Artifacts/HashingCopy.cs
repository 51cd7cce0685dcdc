using System.Buffers;
using System.Security.Cryptography;

namespace MlOps.Orleans.Artifacts;

/// <summary>Streams bytes from a source to a sink through one pooled buffer, hashing them on the way.</summary>
internal static class HashingCopy
{
    public const int BufferSize = 1 << 20;

    public static async Task<StoredArtifact> CopyAsync(Stream source, Stream destination, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long size = 0;
            int read;
            // Whole buffers: a network source hands out small reads, and one large write costs far less than many small ones.
            while ((read = await FillAsync(source, buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                size += read;
            }
            return new StoredArtifact(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the source ends; returns the byte count.</summary>
    public static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await source.ReadAsync(buffer[filled..], ct).ConfigureAwait(false)) > 0)
            filled += read;
        return filled;
    }
}
