using StackExchange.Redis;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// Turns whatever StackExchange.Redis throws for "the server is not there right now" into
/// <see cref="OnlineStoreUnavailableException"/>, and bounds every call by the operation timeout even if the library's own
/// timeout check (which runs on a 1 s heartbeat) is late.
/// </summary>
internal static class RedisFailures
{
    // Server errors that mean "not now" rather than "wrong request": loading the AOF/RDB after a restart, a cluster or
    // replica that is failing over.
    private static readonly string[] TransientPrefixes = ["LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "READONLY", "BUSY"];

    /// <param name="start">Starts the call; StackExchange.Redis throws synchronously (rather than faulting the task) when
    /// no connection is available, so the start is inside the mapping too.</param>
    public static async Task<T> Bound<T>(Func<Task<T>> start, TimeSpan timeout, string what, string endpoint, CancellationToken ct)
    {
        Task<T>? call = null;
        try
        {
            call = start();
            return await call.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            Observe(call);
            throw Unavailable(e, what, endpoint);
        }
        catch (OperationCanceledException)
        {
            Observe(call);
            throw;
        }
    }

    public static OnlineStoreUnavailableException Unavailable(Exception e, string what, string endpoint) =>
        new($"online store unavailable: Redis {endpoint} did not complete {what}: {Describe(e)}", e);

    public static async Task Bound(Func<Task> start, TimeSpan timeout, string what, string endpoint, CancellationToken ct) =>
        await Bound(() => Wrap(start()), timeout, what, endpoint, ct).ConfigureAwait(false);

    public static bool IsUnavailable(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException => true,
        RedisServerException s => TransientPrefixes.Any(p => s.Message.StartsWith(p, StringComparison.Ordinal)),
        _ => false,
    };

    private static string Describe(Exception e) => e is TimeoutException and not RedisTimeoutException
        ? "no answer within the operation timeout" : e.Message;

    private static async Task<bool> Wrap(Task call)
    {
        await call.ConfigureAwait(false);
        return true;
    }

    // A call abandoned after the timeout may still fault later; observing it keeps that out of UnobservedTaskException.
    private static void Observe(Task? call) =>
        _ = call?.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
