using Grpc.Net.Client;

namespace MlOps.Orleans.Bench.Client;

internal static class Channels
{
    /// <summary>
    /// A cleartext HTTP/2 channel that opens another connection when one is full of streams (Kestrel allows 100), so
    /// an open-loop burst queues at the server, not inside the client's handler.
    /// </summary>
    public static GrpcChannel Open(Uri target) => GrpcChannel.ForAddress(target, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        },
        MaxReceiveMessageSize = 256 * 1024 * 1024,
        MaxSendMessageSize = 64 * 1024 * 1024,
    });
}
