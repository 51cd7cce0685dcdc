using MlOps.Orleans.Tests.Features.Online.Store;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Online.Retrieval;

/// <summary>The embedded platform with its online store in the test command's Redis, under a key prefix of its own.</summary>
public sealed class RedisPlatformFixture : PlatformFixture
{
    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Mlops:Mode"] = "Embedded",
        ["Mlops:Online:Redis"] = RedisTestConnection.Endpoint,
        ["Mlops:Online:KeyPrefix"] = RedisTestConnection.UniquePrefix("platform"),
    });
}
