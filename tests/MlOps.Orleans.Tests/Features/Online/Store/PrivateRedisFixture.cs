using StackExchange.Redis;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>One private redis-server per test class, plus an admin connection (INFO, CONFIG RESETSTAT, FLUSHALL) to it.</summary>
public sealed class PrivateRedisFixture : IAsyncLifetime
{
    internal PrivateRedis Redis { get; private set; } = null!;

    internal ConnectionMultiplexer Admin { get; private set; } = null!;

    internal IServer Server => Admin.GetServer(Admin.GetEndPoints()[0]);

    public async Task InitializeAsync()
    {
        Redis = await PrivateRedis.StartAsync();
        var config = ConfigurationOptions.Parse(Redis.Endpoint);
        config.AllowAdmin = true;
        config.AbortOnConnectFail = false;
        config.ReconnectRetryPolicy = new LinearRetry(200);
        Admin = await ConnectionMultiplexer.ConnectAsync(config);
    }

    public async Task DisposeAsync()
    {
        await Admin.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>Calls per command since the last CONFIG RESETSTAT, from INFO commandstats (e.g. "mget" → 1).</summary>
    internal async Task<Dictionary<string, long>> CommandCallsAsync()
    {
        var info = await Server.InfoRawAsync("commandstats") ?? "";
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // cmdstat_mget:calls=1,usec=12,usec_per_call=12.00,rejected_calls=0,failed_calls=0
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal)) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var stats = line[(colon + 1)..].Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            calls[line["cmdstat_".Length..colon]] = long.Parse(stats["calls"], System.Globalization.CultureInfo.InvariantCulture);
        }
        return calls;
    }

    /// <summary>Waits (polling, with a deadline) until the admin connection works again after a restart.</summary>
    internal async Task WaitForAdminAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await Admin.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
