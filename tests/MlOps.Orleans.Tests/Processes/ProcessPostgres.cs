using Npgsql;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>The PostgreSQL the test command starts; each test gets a database of its own, dropped afterwards.</summary>
public static class ProcessPostgres
{
    public const string AdminVariable = "MLOPS_TEST_PG_ADMIN";
    public const string AllowMissingVariable = "MLOPS_TEST_ALLOW_NO_PG";

    /// <summary>
    /// The admin connection string; null only when <see cref="AllowMissingVariable"/>=1 lets a PostgreSQL test pass without
    /// PostgreSQL. Otherwise a missing server is a failure: the test command always provides one.
    /// </summary>
    public static string? AdminConnectionStringOrSkip()
    {
        if (Environment.GetEnvironmentVariable(AdminVariable) is { Length: > 0 } admin) return admin;
        if (Environment.GetEnvironmentVariable(AllowMissingVariable) == "1") return null;
        throw new InvalidOperationException(
            $"{AdminVariable} is not set, so this PostgreSQL test cannot run. Run the suite through the test script (it starts PostgreSQL " +
            $"and sets {AdminVariable}), or `source scripts/services.sh; services_start` first; set {AllowMissingVariable}=1 to skip on purpose.");
    }

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
