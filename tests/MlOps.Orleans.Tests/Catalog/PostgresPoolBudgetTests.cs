using Microsoft.Extensions.Configuration;
using MlOps.Orleans.Catalog.Postgres;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Tests.Infrastructure;
using Npgsql;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// Mlops:Postgres:MaxConnections bounds what one process holds on PostgreSQL: the catalog's pool and Orleans' share it,
/// and a burst of catalog work waits for a pooled connection instead of opening more.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class PostgresPoolBudgetTests
{
    private static MlopsOptions Cluster(string postgres, string? maxConnections)
    {
        var settings = new Dictionary<string, string?> { ["Mlops:Mode"] = "Cluster", ["Mlops:Postgres"] = postgres };
        if (maxConnections is not null) settings[PostgresPools.MaxConnectionsKey] = maxConnections;
        return MlopsOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    [Fact]
    public void The_budget_is_split_between_the_catalog_and_orleans_and_set_on_each_pool()
    {
        var defaults = Cluster("Host=db;Username=u;Maximum Pool Size=100", null);
        // The connection string still binds although Mlops:Postgres now also has a child key.
        Assert.Equal(20, defaults.PostgresMaxConnections);
        Assert.Equal((15, 5), (new NpgsqlConnectionStringBuilder(defaults.CatalogPostgres).MaxPoolSize, new NpgsqlConnectionStringBuilder(defaults.OrleansPostgres).MaxPoolSize));
        var small = Cluster("Host=db;Username=u", "4");
        Assert.Equal("Host=db", small.Postgres![..7]);
        Assert.Equal((2, 2), (new NpgsqlConnectionStringBuilder(small.CatalogPostgres).MaxPoolSize, new NpgsqlConnectionStringBuilder(small.OrleansPostgres).MaxPoolSize));
        Assert.Equal(("mlops-catalog", "mlops-orleans"), (new NpgsqlConnectionStringBuilder(small.CatalogPostgres).ApplicationName, new NpgsqlConnectionStringBuilder(small.OrleansPostgres).ApplicationName));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("1001")]
    [InlineData("twenty")]
    [InlineData("-5")]
    public void A_bad_budget_stops_the_start_naming_the_setting(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Cluster("Host=db", value));
        Assert.Contains(PostgresPools.MaxConnectionsKey, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_burst_of_catalog_work_never_holds_more_than_the_catalog_share()
    {
        TestServices.Require(TestPostgres.AdminVariable, "PostgreSQL");
        var application = "pool-budget-" + Guid.NewGuid().ToString("N")[..12];
        var database = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("mlops_pool")) { ApplicationName = application }.ConnectionString;
        var options = Cluster(database, "4");
        await using var catalog = await PostgresCatalogDatabase.OpenAsync(options.CatalogPostgres);

        var peak = 0;
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            await using var admin = new NpgsqlConnection(TestPostgres.AdminConnectionString);
            await admin.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = @a", admin);
                count.Parameters.AddWithValue("a", application);
                peak = Math.Max(peak, (int)(long)(await count.ExecuteScalarAsync())!);
                await Task.Delay(10);
            }
        });
        var burst = Enumerable.Range(0, 12).Select(async _ =>
        {
            await using var connection = await catalog.OpenReadAsync(CancellationToken.None);
            await using var sleep = connection.CreateCommand();
            sleep.CommandText = "SELECT pg_sleep(0.1)";
            await sleep.ExecuteNonQueryAsync();
        });
        await Task.WhenAll(burst);
        await stop.CancelAsync();
        await watcher;

        Assert.Equal(2, PostgresPools.CatalogShare(4));
        Assert.InRange(peak, 1, 2);
    }
}
