using System.Threading.Channels;
using MlOps.Orleans.Contracts.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace MlOps.Orleans.Gateway.Common;

/// <summary>
/// An Orleans stream subscription feeding a bounded queue for one gRPC subscriber. A subscriber slower than the producers
/// keeps the newest notifications and loses the oldest; callers that must not miss data fill gaps from the catalog.
/// Disposing unsubscribes.
/// </summary>
internal sealed class LiveStream<T> : IAsyncDisposable
{
    private const int PendingLimit = 1024;
    private readonly Channel<T> _pending = Channel.CreateBounded<T>(new BoundedChannelOptions(PendingLimit)
    {
        FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
    });
    private StreamSubscriptionHandle<T>? _handle;

    private LiveStream() { }

    public ChannelReader<T> Reader => _pending.Reader;

    /// <summary>Subscribes now, so everything published after this returns is queued.</summary>
    public static async Task<LiveStream<T>> OpenAsync(IClusterClient client, string streamNamespace, string key)
    {
        var live = new LiveStream<T>();
        live._handle = await client.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, key))
            .SubscribeAsync((e, _) =>
            {
                live._pending.Writer.TryWrite(e);
                return Task.CompletedTask;
            });
        return live;
    }

    /// <summary>Queues a notification that did not come from the stream (a caller's own catch-up marker).</summary>
    public void Offer(T e) => _pending.Writer.TryWrite(e);

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null) await _handle.UnsubscribeAsync();
    }
}
