using MlOps.Orleans.Tests.Features.Online.Store;
using MlOps.Orleans.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>A silo told to require durable backends does not start on a catalog that acknowledges commits before fsync.</summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Process)]
public sealed class DurableBackendsProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [SkippableFact]
    public Task Cluster_silo_refuses_to_start_on_synchronous_commit_off_when_durability_is_required() => _scope.RunAsync(async () =>
    {
        var postgres = await _scope.CreatePostgresDatabaseAsync();
        await using (var connection = new NpgsqlConnection(ProcessPostgres.AdminConnectionString))
        {
            await connection.OpenAsync();
            var database = new NpgsqlConnectionStringBuilder(postgres).Database;
            await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{database}\" SET synchronous_commit = off", connection);
            await alter.ExecuteNonQueryAsync();
        }
        var clusterId = "durable-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string>
        {
            ["Mlops__ClusterId"] = clusterId,
            ["Mlops__ServiceId"] = clusterId,
            ["Mlops__Online__Redis"] = TestServices.Require("MLOPS_TEST_REDIS", "Redis"),
            ["Mlops__Online__KeyPrefix"] = RedisTestConnection.UniquePrefix("durable"),
            ["Mlops__RequireDurableBackends"] = "true",
        };

        await using var silo = PlatformProcess.Start(PlatformApp.Silo, "silo", PlatformPorts.Allocate(),
            ["--mode", "Cluster", "--postgres", postgres], environment, _scope.CreateDirectory("cwd-silo"));
        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Mlops:RequireDurableBackends is set", silo.Output, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL catalog synchronous_commit = off", silo.Output, StringComparison.Ordinal);
    });
}
