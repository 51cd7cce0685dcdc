using MlOps.Orleans.Tests.Infrastructure;
using Npgsql;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>The PostgreSQL the test command starts; each test gets a database of its own, dropped afterwards.</summary>
public static class ProcessPostgres
{
    public const string AdminVariable = "MLOPS_TEST_PG_ADMIN";

    /// <summary>The admin connection string; a missing server fails the test, or skips it (see <see cref="TestServices.Require"/>).</summary>
    public static string AdminConnectionString => TestServices.Require(AdminVariable, "PostgreSQL");

    /// <summary>Creates <c>mlops_x…</c> through the admin connection; returns the platform's connection string for it.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(string admin)
    {
        var name = "mlops_x" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return (name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    public static async Task DropDatabaseAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
