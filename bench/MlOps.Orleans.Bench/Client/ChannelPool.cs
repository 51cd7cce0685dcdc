using Grpc.Net.Client;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Client;

/// <summary>One channel (so one TCP connection or more) per simulated client process, as separate trainers would have.</summary>
internal sealed class ChannelPool : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly TrackingService.TrackingServiceClient[] _clients;

    public ChannelPool(Uri target, int size)
    {
        _channels = Enumerable.Range(0, Math.Max(1, size)).Select(_ => Channels.Open(target)).ToArray();
        _clients = _channels.Select(c => new TrackingService.TrackingServiceClient(c)).ToArray();
    }

    public TrackingService.TrackingServiceClient Client(int index) => _clients[index % _clients.Length];

    public void Dispose()
    {
        foreach (var channel in _channels) channel.Dispose();
    }
}
