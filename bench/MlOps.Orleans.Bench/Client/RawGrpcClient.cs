using Google.Protobuf;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// A <see cref="RawGrpcConnection{TResponse}"/> that opens a new connection when the old one has closed. Why: Kestrel
/// closes an HTTP/2 connection that carried no stream for its keep-alive timeout (130 s) with a GOAWAY, and a command
/// opens its raw connection before the Grpc.Net.Client phase, whose windows (with void-run retries) can last longer than
/// that; every raw call then failed with "connection closed" (seen twice on 2026-12-03). Grpc.Net.Client reconnects the
/// same way. A call already in flight on a connection that closes still fails: only new calls move to the new one.
/// </summary>
internal sealed class RawGrpcClient<TResponse>(Func<RawGrpcConnection<TResponse>> open) : IDisposable
    where TResponse : IMessage<TResponse>
{
    private readonly object _gate = new();
    private RawGrpcConnection<TResponse>? _connection;
    private int _reconnects;

    /// <summary>Connections opened after the first, each because the previous one had closed.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    public static RawGrpcClient<TResponse> Open(Uri target, string path, MessageParser<TResponse> parser, TimeSpan deadline,
        int streamWindow = int.MaxValue)
    {
        var client = new RawGrpcClient<TResponse>(() => RawGrpcConnection<TResponse>.Open(target, path, parser, deadline, streamWindow));
        client.Current();
        return client;
    }

    public Task<TResponse> CallAsync(IMessage request) => Current().CallAsync(request);

    public void Dispose()
    {
        lock (_gate) _connection?.Dispose();
    }

    private RawGrpcConnection<TResponse> Current()
    {
        lock (_gate)
        {
            if (_connection is { ClosedBecause: null }) return _connection;
            if (_connection is not null)
            {
                Console.Error.WriteLine($"#   raw gRPC connection closed ({_connection.ClosedBecause!.Message}); opening a new one");
                _connection.Dispose();
                _reconnects++;
            }
            _connection = open();
            return _connection;
        }
    }
}
