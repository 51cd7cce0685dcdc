using MlOps.Orleans.Tests.Features.Online.Store;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Telemetry;

/// <summary>A cluster-mode silo on a fresh PostgreSQL database with Mlops:EnableDiagnostics on: the PostgreSQL store and commit timings.</summary>
public sealed class PostgresStagesPlatformFixture : PlatformFixture
{
    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync() => new()
    {
        ["Mlops:Mode"] = "Cluster",
        ["Mlops:Postgres"] = await TestPostgres.CreateDatabaseAsync("mlops_stages"),
        ["Mlops:Online:Redis"] = RedisTestConnection.Endpoint,
        ["Mlops:Online:KeyPrefix"] = RedisTestConnection.UniquePrefix("stages"),
        ["Mlops:EnableDiagnostics"] = "true",
    };
}
