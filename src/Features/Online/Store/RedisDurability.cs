using StackExchange.Redis;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// Reads Redis's persistence settings (<c>appendonly</c>, <c>appendfsync</c>) from every primary, for the start-up check of
/// backend durability. A value a primary will not reveal is null: managed Redis services often disable or rename CONFIG.
/// </summary>
internal static class RedisDurability
{
    public const string AppendOnlySetting = "appendonly";
    public const string AppendFsyncSetting = "appendfsync";

    /// <summary>
    /// Over a short-lived connection of its own: CONFIG needs StackExchange.Redis's admin mode, which the connection the store
    /// serves from must not have (it would accept FLUSHALL and the like).
    /// </summary>
    /// <returns>Each setting's value, lower case; primaries that disagree give their values joined by commas.</returns>
    public static async Task<IReadOnlyDictionary<string, string?>> ReadAsync(OnlineStoreOptions options, CancellationToken ct)
    {
        var config = RedisOnlineStore.Configure(options);
        config.AllowAdmin = true;
        config.ClientName = "mlops-durability-check";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
        var primaries = redis.GetServers().Where(s => !s.IsReplica).ToList();
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in new[] { AppendOnlySetting, AppendFsyncSetting })
        {
            var values = new SortedSet<string>(StringComparer.Ordinal);
            var unknown = primaries.Count == 0;
            foreach (var server in primaries)
            {
                if (await ConfigGetAsync(server, name, options.OperationTimeout, ct).ConfigureAwait(false) is { } value) values.Add(value);
                else unknown = true;
            }
            // One primary that will not say makes the whole setting unknown: its rows are as durable as it is.
            settings[name] = unknown ? null : string.Join(",", values);
        }
        return settings;
    }

    private static async Task<string?> ConfigGetAsync(IServer server, string name, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            var pairs = await server.ConfigGetAsync(name).WaitAsync(timeout, ct).ConfigureAwait(false);
            return pairs.Where(p => p.Key == name).Select(p => p.Value.ToLowerInvariant()).FirstOrDefault();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null; // CONFIG disabled or renamed (a server error), or the server did not answer: either way, not known
        }
    }
}
