using System.Data.Common;
using System.Threading.Channels;

namespace MlOps.Orleans.Catalog.Storage;

/// <summary>
/// Group commit: writes queue here, and each of <c>lanes</c> loops takes every write queued while it was busy (up to a
/// group's limit) and hands them to <c>commitGroup</c>, which runs them in one transaction and commits once. At low load
/// a write is committed alone, as soon as it arrives; under load the writes waiting behind a commit share the next one,
/// so the database pays one commit (one WAL flush) per group instead of one per write.
/// </summary>
internal sealed class WriteQueue : IAsyncDisposable
{
    private readonly Channel<QueuedWrite> _queue;
    private readonly int _maxGroup;
    private readonly Func<List<QueuedWrite>, Task> _commitGroup;
    private readonly Task[] _lanes;
    private readonly IDisposable _depth;
    // Writes queued and not yet taken into a group: a single-reader channel cannot count its items, so they are counted here.
    private long _queued;

    /// <param name="backend">The backend's name on the queue-depth gauge (<see cref="CatalogMetrics.WriteQueueDepth"/>).</param>
    public WriteQueue(string backend, int lanes, int maxGroup, Func<List<QueuedWrite>, Task> commitGroup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        _queue = Channel.CreateUnbounded<QueuedWrite>(new UnboundedChannelOptions { SingleReader = lanes == 1 });
        _maxGroup = maxGroup;
        _commitGroup = commitGroup;
        _depth = CatalogMetrics.TrackQueue(backend, () => Interlocked.Read(ref _queued));
        _lanes = Enumerable.Range(0, lanes).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var item = new QueuedWrite<T>(work, ct);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(WriteQueue));
        }
        return item.Completion.Task;
    }

    private async Task RunAsync()
    {
        var group = new List<QueuedWrite>(_maxGroup);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _queued);
                if (!item.IsCancelled) group.Add(item);
            }
            if (group.Count == 0) continue;
            try { await _commitGroup(group).ConfigureAwait(false); }
            catch (Exception e)
            {
                // commitGroup completes every write itself; this is only a guard so one broken group never ends a lane.
                foreach (var item in group) item.Fail(e);
            }
        }
    }

    /// <summary>
    /// Runs a group's writes in <paramref name="transaction"/>, each in a savepoint, so one that fails is undone alone; a
    /// write alone needs none (its failure rolls the transaction back). Returns whether any write succeeded, that is
    /// whether the caller should commit.
    /// </summary>
    public static async Task<bool> RunGroupAsync(IReadOnlyList<QueuedWrite> group, DbConnection connection, DbTransaction transaction)
    {
        if (group.Count == 1) return await group[0].RunAsync(connection, transaction).ConfigureAwait(false);
        var any = false;
        foreach (var item in group)
        {
            await transaction.SaveAsync("w").ConfigureAwait(false);
            if (await item.RunAsync(connection, transaction).ConfigureAwait(false))
            {
                await transaction.ReleaseAsync("w").ConfigureAwait(false);
                any = true;
            }
            else
            {
                await transaction.RollbackAsync("w").ConfigureAwait(false);
                await transaction.ReleaseAsync("w").ConfigureAwait(false);
            }
        }
        return any;
    }

    /// <summary>
    /// Runs a group's writes one after another with no savepoints; false as soon as one fails, when the transaction must be
    /// rolled back and the group run again with <see cref="RunGroupAsync"/> (each write <see cref="QueuedWrite.Reset"/>
    /// first). Writes are validated before they are queued, so failures are rare, and a savepoint costs two round trips
    /// per write on PostgreSQL, which a group commits one after another.
    /// </summary>
    public static async Task<bool> TryRunGroupWithoutSavepointsAsync(IReadOnlyList<QueuedWrite> group, DbConnection connection, DbTransaction transaction)
    {
        foreach (var item in group)
            if (!await item.RunAsync(connection, transaction).ConfigureAwait(false)) return false;
        return true;
    }

    /// <summary>Stops taking writes and waits for the lanes to commit what was queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _depth.Dispose();
        _queue.Writer.TryComplete();
        await Task.WhenAll(_lanes).ConfigureAwait(false);
    }
}
