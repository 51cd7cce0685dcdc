using MlOps.Orleans.Contracts.Features.Online;
namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The online store under the shard grains: the newest row per (view version, entity key), read by many views and many
/// entities at once. Backends: <see cref="RedisOnlineStore"/> (cluster) and <see cref="SqliteOnlineStore"/> (one process).
/// The data methods throw <see cref="OnlineStoreUnavailableException"/> when the backend is down or too slow;
/// <see cref="StatusAsync"/> reports that instead of throwing.
/// </summary>
public interface IOnlineStore : IAsyncDisposable
{
    /// <summary>
    /// Writes rows keyed by <see cref="EntityKeys.Encode"/> strings, newest-wins: a row whose (event ts, created ts) is older
    /// than the stored one never overwrites it, atomically even with concurrent writers; equal timestamps overwrite (so a
    /// retried write is harmless). Rows already past ttl + grace are not written. When the task completes the rows are as
    /// durable as the backend is configured to make them (Redis: acknowledged by the server; SQLite: fsynced).
    /// Rows are validated first: a bad row throws <see cref="ArgumentException"/> and nothing is written.
    /// </summary>
    /// <returns>How many rows were applied (not skipped as older than the stored row or expired).</returns>
    Task<int> WriteAsync(OnlineViewLayout view, IReadOnlyList<KeyValuePair<string, OnlineRow>> rows, CancellationToken ct);

    /// <summary>
    /// Reads every view for every entity key in one round trip to the backend (in the steady state). Rows past their expiry
    /// are not returned; rows past the ttl but within the grace are (the caller reports OUTSIDE_MAX_AGE).
    /// </summary>
    /// <returns><c>result[view][entity]</c>, null when not found.</returns>
    Task<OnlineRow?[][]> ReadAsync(IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entityKeys, CancellationToken ct);

    /// <summary>
    /// Makes a view version's rows unreachable at once, in O(1): no scan of the keyspace. The space comes back by expiry or
    /// by the store's bounded background sweep. A later write to the same key starts an empty view version.
    /// </summary>
    Task DropViewAsync(OnlineViewKey view, CancellationToken ct);

    /// <summary>Whether the backend answers and whether it holds any online data at all. Never throws for an unreachable
    /// backend (it reports <see cref="OnlineStoreStatus.Reachable"/> false), only for cancellation.</summary>
    Task<OnlineStoreStatus> StatusAsync(CancellationToken ct);

    /// <summary>
    /// The backend's settings that decide whether an acknowledged write survives a crash or a power loss, by name, as the
    /// backend reports them (Redis: <c>appendonly</c>, <c>appendfsync</c>; SQLite: <c>journal_mode</c>, <c>synchronous</c>);
    /// null when the backend will not say or does not answer. Judged at start by the silo.
    /// </summary>
    Task<IReadOnlyDictionary<string, string?>> ReadDurabilitySettingsAsync(CancellationToken ct);
}
