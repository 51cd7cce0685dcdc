using System.Net;

namespace MlOps.Orleans.Tests.Artifacts.Transfers;

/// <summary>A body sent chunked, without Content-Length, so only the server's count of received bytes can refuse it.</summary>
internal sealed class UnsizedContent(byte[] bytes) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < bytes.Length; i += 256) await stream.WriteAsync(bytes.AsMemory(i, Math.Min(256, bytes.Length - i)));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
