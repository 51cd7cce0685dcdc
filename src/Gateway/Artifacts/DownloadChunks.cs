using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using MlOps.Orleans.Artifacts;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Gateway.Artifacts;

/// <summary>Sends an open range as a stream of chunks through one pooled buffer.</summary>
internal static class DownloadChunks
{
    /// <summary>Big enough to keep per-message overhead small, well under every client's default 4 MiB message limit.</summary>
    public const int ChunkSize = 256 * 1024;

    public static async Task SendAsync(ArtifactContent content, IServerStreamWriter<Wire.DownloadChunk> responses, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var offset = content.Offset;
            while (true)
            {
                var read = await FillAsync(content.Stream, buffer.AsMemory(0, ChunkSize), ct);
                if (read == 0 && offset > content.Offset) return;
                // The message is serialized before WriteAsync returns, so the buffer can be refilled right after.
                await responses.WriteAsync(new Wire.DownloadChunk
                {
                    Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)),
                    Offset = offset,
                    FileSize = content.FileSize,
                }, ct);
                if (read < ChunkSize) return;
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await source.ReadAsync(buffer[filled..], ct)) > 0) filled += read;
        return filled;
    }
}
