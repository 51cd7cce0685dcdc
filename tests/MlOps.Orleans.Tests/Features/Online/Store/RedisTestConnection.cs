using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>The Redis the test command started (scripts/services.sh), and options for a test class's own key prefix.</summary>
internal static class RedisTestConnection
{
    public static string Endpoint => Environment.GetEnvironmentVariable("MLOPS_TEST_REDIS")
        ?? throw new InvalidOperationException("MLOPS_TEST_REDIS is not set: run the tests through test.sh (or source scripts/services.sh)");

    public static OnlineStoreOptions Options(string endpoint, string prefix, TimeSpan grace) => new()
    {
        RedisConnectionString = endpoint,
        KeyPrefix = prefix,
        ExpiryGrace = grace,
        SweepInterval = null,
        OperationTimeout = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(1),
    };

    public static string UniquePrefix(string name) => $"t-{name}-{Guid.NewGuid():N}"[..(name.Length + 11)];
}
