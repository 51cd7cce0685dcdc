namespace MlOps.Orleans.Catalog.Sqlite;

/// <summary>
/// Counts the catalog's open read connections and can hold new ones back for a moment. SQLite restarts its WAL from the
/// start only when no reader is still reading from it; readers that always overlap never leave such a moment, and the
/// file grows without bound (checkpoint starvation). The checkpoint closes the gate, waits for the reads in flight to
/// end, empties the WAL, and opens the gate again.
/// </summary>
internal sealed class SqliteReadGate
{
    private readonly object _lock = new();
    private int _active;
    private TaskCompletionSource? _open;     // set while closed: new readers wait on it
    private TaskCompletionSource? _drained;  // set while closed: completes when the last reader in flight leaves

    public async Task EnterAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_open is null)
                {
                    _active++;
                    return;
                }
                wait = _open.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            if (--_active == 0) _drained?.TrySetResult();
        }
    }

    /// <summary>
    /// Holds new readers back and waits up to <paramref name="timeout"/> for those in flight; true when none is left
    /// (the gate stays closed until <see cref="Open"/>), false when one outlasted the timeout (the gate is open again).
    /// </summary>
    public async Task<bool> CloseAsync(TimeSpan timeout, CancellationToken ct)
    {
        Task drained;
        lock (_lock)
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_active == 0) return true;
            drained = _drained.Task;
        }
        try
        {
            await drained.WaitAsync(timeout, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Open();
            if (e is OperationCanceledException) throw;
            return false;
        }
    }

    public void Open()
    {
        TaskCompletionSource? open;
        lock (_lock)
        {
            open = _open;
            _open = null;
            _drained = null;
        }
        open?.TrySetResult();
    }
}
