using System.Threading.Channels;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;

namespace MlOps.Orleans.Features.Materialization;

/// <summary>
/// Groups streamed rows by online shard and hands full batches to a bounded channel. Called on the reading thread; a full
/// channel blocks it, which pauses the DuckDB query, so memory is at most one open batch per shard plus the channel's
/// batches, whatever the window size.
/// </summary>
public sealed class ShardBatcher(int shardCount, int batchSize, ChannelWriter<ShardBatch> output, CancellationToken ct)
{
    private readonly List<KeyValuePair<string, OnlineRow>>?[] _open = new List<KeyValuePair<string, OnlineRow>>?[shardCount];

    public void Add(string entityKey, OnlineRow row)
    {
        var shard = OnlineShards.ShardOf(entityKey, shardCount);
        var batch = _open[shard] ??= new List<KeyValuePair<string, OnlineRow>>(batchSize);
        batch.Add(new(entityKey, row));
        if (batch.Count < batchSize) return;
        _open[shard] = null;
        Send(new ShardBatch(shard, batch));
    }

    /// <summary>Sends the partly filled batches; call once the reader is done.</summary>
    public void Flush()
    {
        for (var shard = 0; shard < _open.Length; shard++)
        {
            if (_open[shard] is not { Count: > 0 } batch) continue;
            _open[shard] = null;
            Send(new ShardBatch(shard, batch));
        }
    }

    private void Send(ShardBatch batch)
    {
        if (output.TryWrite(batch)) return;
        // The reading thread is DuckDB's dedicated one: waiting here is the back-pressure, not a pool thread held hostage.
        output.WriteAsync(batch, ct).AsTask().GetAwaiter().GetResult();
    }
}
