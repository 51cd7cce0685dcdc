using MlOps.Orleans.Hosting;
using MlOps.Orleans.Tests.Infrastructure;
using Npgsql;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// A cluster-mode silo with its endpoints, wired as <c>src/Silo</c> wires it, on a database of its own and with a small
/// <c>Mlops:Postgres:MaxConnections</c>, so pg_stat_activity for <see cref="Database"/> shows exactly this process's pools.
/// </summary>
public sealed class BudgetPlatformFixture : PlatformFixture
{
    public const int MaxConnections = 4;

    public string Database { get; private set; } = "";

    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync()
    {
        var postgres = await TestPostgres.CreateDatabaseAsync("mlops_budget");
        Database = new NpgsqlConnectionStringBuilder(postgres).Database!;
        return new()
        {
            ["Mlops:Mode"] = "Cluster",
            // The admin string carries Maximum Pool Size=50: the setting must win over it.
            ["Mlops:Postgres"] = postgres,
            [PostgresPools.MaxConnectionsKey] = MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mlops:Online:Redis"] = Features.Online.Store.RedisTestConnection.Endpoint,
            ["Mlops:Online:KeyPrefix"] = Features.Online.Store.RedisTestConnection.UniquePrefix("budget"),
        };
    }
}
