using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Serving;

/// <summary>The embedded platform with its online store in the test command's Redis, under a key prefix of its own.</summary>
public sealed class RedisPlatformFixture : PlatformFixture
{
    public static string RedisEndpoint => Environment.GetEnvironmentVariable("MLOPS_TEST_REDIS") is { Length: > 0 } redis
        ? redis
        : throw new InvalidOperationException("MLOPS_TEST_REDIS is not set: run the tests through ./test.sh, which starts Redis");

    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Mlops:Mode"] = "Embedded",
        ["Mlops:Online:Redis"] = RedisEndpoint,
        ["Mlops:Online:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..8],
    });
}
