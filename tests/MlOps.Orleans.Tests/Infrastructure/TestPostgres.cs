using Npgsql;

namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>The PostgreSQL that the test command started; each caller gets a fresh database so tests never share state.</summary>
public static class TestPostgres
{
    public const string AdminVariable = "MLOPS_TEST_PG_ADMIN";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(AdminVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException($"{AdminVariable} is not set: run the tests through ./test.sh, which starts PostgreSQL");

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }
}
