using System.Data.Common;

namespace MlOps.Orleans.Catalog.Storage;

/// <summary>
/// One write waiting for a group commit (<see cref="WriteQueue"/>): it runs inside the group's transaction, and its task
/// completes only after the group's commit, with its own result or failure.
/// </summary>
internal abstract class QueuedWrite
{
    /// <summary>True (and the task cancelled) when the caller gave up before the write ran.</summary>
    public abstract bool IsCancelled { get; }

    /// <summary>Runs the work; false when it failed (its failure is kept and reported at completion).</summary>
    public abstract Task<bool> RunAsync(DbConnection connection, DbTransaction transaction);

    /// <summary>Forgets a run's result or failure, so the write can run again in another transaction.</summary>
    public abstract void Reset();

    /// <summary>The group committed: a write that failed inside it reports its own failure, the others their results.</summary>
    public abstract void Complete();

    /// <summary>The group did not commit: nothing of it is stored.</summary>
    public abstract void Fail(Exception exception);
}

internal sealed class QueuedWrite<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) : QueuedWrite
{
    private T? _result;
    private Exception? _failure;

    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsCancelled
    {
        get
        {
            if (!ct.IsCancellationRequested) return false;
            Completion.TrySetCanceled(ct);
            return true;
        }
    }

    public override async Task<bool> RunAsync(DbConnection connection, DbTransaction transaction)
    {
        try
        {
            // Once queued, a write runs to the end: cancelling half of a group's transaction would undo others' work.
            _result = await work(connection, transaction, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            _failure = e;
            return false;
        }
    }

    public override void Reset()
    {
        _result = default;
        _failure = null;
    }

    public override void Complete()
    {
        if (_failure is not null) Completion.TrySetException(_failure);
        else Completion.TrySetResult(_result!);
    }

    public override void Fail(Exception exception) => Completion.TrySetException(_failure ?? exception);
}
