using System.Threading.Channels;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Features.Materialization;

namespace MlOps.Orleans.Grains.Features.Materialization;

/// <summary>
/// One view of one partition: DuckDB streams rows on its own thread into per-shard batches, a bounded channel carries full
/// batches to a few concurrent writers, each a call to the owning <see cref="IOnlineFeatureShardGrain"/>. Memory is bounded by
/// (shards + channel capacity + writers) batches whatever the window; a failing writer stops the query, a stopped query
/// stops the writers.
/// </summary>
internal sealed class MaterializationPipeline(IGrainFactory grains, MaterializationReader reader, int shardCount)
{
    /// <summary>Rows per shard call: large enough to amortize a grain call and a store round trip, small enough to stay well under message limits.</summary>
    public const int BatchSize = 5000;

    /// <summary>Shard calls in flight per partition.</summary>
    public const int Writers = 8;

    public async Task RunAsync(MaterializationViewTask task, int part, int parts, int viewIndex, long[] read, long[] written, CancellationToken ct)
    {
        var binding = OnlineViewBinding.For(task.View, task.Version, task.Entities);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var channel = Channel.CreateBounded<ShardBatch>(new BoundedChannelOptions(Writers * 2) { SingleWriter = true });
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(() => WriteAsync(channel.Reader, binding.Layout, viewIndex, written, linked), CancellationToken.None)).ToList();
        var reading = ReadAsync(task, binding, part, parts, viewIndex, read, channel.Writer, linked);
        var all = writers.Append(reading).ToList();
        try
        {
            await Task.WhenAll(all).ConfigureAwait(false);
        }
        catch
        {
            // The first real failure explains the stop; the others are the cancellations it caused.
            var cause = all.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException()).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null && !ct.IsCancellationRequested) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            ct.ThrowIfCancellationRequested();
            throw;
        }
    }

    private async Task ReadAsync(MaterializationViewTask task, OnlineViewBinding binding, int part, int parts, int viewIndex, long[] read,
        ChannelWriter<ShardBatch> output, CancellationTokenSource linked)
    {
        try
        {
            var batcher = new ShardBatcher(shardCount, BatchSize, output, linked.Token);
            await reader.ReadAsync(task, binding, part, parts, (key, row) =>
            {
                batcher.Add(key, row);
                Interlocked.Increment(ref read[viewIndex]);
            }, linked.Token).ConfigureAwait(false);
            await Task.Run(batcher.Flush, linked.Token).ConfigureAwait(false);
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            await linked.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WriteAsync(ChannelReader<ShardBatch> input, OnlineViewLayout layout, int viewIndex, long[] written, CancellationTokenSource linked)
    {
        try
        {
            await foreach (var batch in input.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                var shard = grains.GetGrain<IOnlineFeatureShardGrain>(OnlineShards.GrainKey(layout.KeySpace, batch.Shard));
                // The shard call itself cannot be recalled; a cancelled job stops waiting and sends nothing more.
                await shard.Write(layout, batch.Rows).WaitAsync(linked.Token).ConfigureAwait(false);
                Interlocked.Add(ref written[viewIndex], batch.Rows.Count);
                MaterializationMetrics.Written(layout.Key.View, batch.Rows.Count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await linked.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
