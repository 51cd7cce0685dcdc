using Microsoft.Data.Sqlite;
using MlOps.Orleans.Catalog;
using MlOps.Orleans.Tests.Infrastructure;
using Npgsql;
using MlOps.Orleans.Hosting.Clustering;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>Several silos starting at once on a fresh catalog apply each migration exactly once.</summary>
[Trait("Category", Category.Platform)]
public sealed class MigrationTests
{
    [Fact]
    public async Task Concurrent_postgres_starts_apply_every_migration_once()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("mlops_migrate");
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => CatalogStores.OpenPostgresAsync(cs))));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => OrleansSchema.EnsureAsync(cs))));
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, COUNT(*) FROM schema_migrations GROUP BY version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
            Assert.Equal(1L, reader.GetInt64(1));
        }
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], versions);
        Assert.Equal("Default", (await stores[0].Tracking.LoadExperimentAsync("0"))!.Name);
        foreach (var s in stores) await s.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_sqlite_opens_of_one_file_apply_every_migration_once()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlops-migrate-{Guid.NewGuid():N}.db");
        try
        {
            var stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => CatalogStores.OpenSqliteAsync(path))));
            await using (var connection = new SqliteConnection($"Data Source={path}"))
            {
                await connection.OpenAsync();
                await using var command = new SqliteCommand("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations", connection);
                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
                Assert.Equal(7L, reader.GetInt64(0));
            }
            foreach (var s in stores) await s.DisposeAsync();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*")) File.Delete(f);
        }
    }
}
