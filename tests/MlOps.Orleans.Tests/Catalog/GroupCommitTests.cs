using System.Globalization;
using MlOps.Orleans.Catalog.Postgres;
using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// Both catalogs commit queued writes in groups (issue 16 item 1 for PostgreSQL): concurrent writes share commits, each
/// write's task completes after the commit that holds it, and a write that fails inside a group is undone alone, with its
/// own error, while the others of its group are stored.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class GroupCommitTests : IDisposable
{
    private const int Writes = 400;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-group-commit-").FullName;

    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public async Task Concurrent_writes_share_commits_and_a_failing_one_is_undone_alone(string backend)
    {
        string? postgres = null;
        if (backend == "postgres")
        {
            TestServices.Require(TestPostgres.AdminVariable, "PostgreSQL");
            postgres = await TestPostgres.CreateDatabaseAsync("mlops_group_commit");
        }
        await using CatalogDatabase db = postgres is null
            ? await SqliteCatalogDatabase.OpenAsync(Path.Join(_folder, "catalog.db"))
            : await PostgresCatalogDatabase.OpenAsync(postgres);
        await db.WriteAsync(async (c, tx, ct) => await c.ExecAsync(tx, "CREATE TABLE probe (id INTEGER PRIMARY KEY, body TEXT NOT NULL)", ct), default);

        // Every 50th write inserts an id another write already took: a unique violation inside its group.
        var writes = Enumerable.Range(0, Writes).Select(i => db.WriteAsync(async (c, tx, ct) =>
        {
            var id = i % 50 == 49 ? i - 1 : i;
            await c.ExecAsync(tx, $"INSERT INTO probe (id, body) VALUES ({id}, 'w{i}')", ct);
            if (postgres is null) return 0L;
            // The transaction the write ran in: writes that report the same one shared its commit.
            await using var txid = c.Command("SELECT txid_current()", tx);
            return Convert.ToInt64(await txid.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, default)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try { return (Transaction: await w, Error: (Exception?)null); }
            catch (Exception e) { return (Transaction: -1L, Error: e); }
        }));

        var failed = outcomes.Where(o => o.Error is not null).ToList();
        Assert.Equal(Writes / 50, failed.Count);
        Assert.All(failed, f => Assert.True(db.IsUniqueViolation(f.Error!), $"expected the write's own unique violation, got {f.Error}"));
        Assert.Equal(Writes - (Writes / 50), outcomes.Count(o => o.Error is null));

        await using var read = await db.OpenReadAsync(default);
        await using var count = read.Command("SELECT COUNT(*), SUM(CASE WHEN body = 'w' || CAST(id AS TEXT) THEN 1 ELSE 0 END) FROM probe");
        await using var rows = await count.ExecuteReaderAsync();
        Assert.True(await rows.ReadAsync());
        // Every id once, each written by its own write: the failed ones left nothing, not even a partial row.
        Assert.Equal(Writes - (Writes / 50), Convert.ToInt64(rows.GetValue(0), CultureInfo.InvariantCulture));
        Assert.Equal(Writes - (Writes / 50), Convert.ToInt64(rows.GetValue(1), CultureInfo.InvariantCulture));

        if (postgres is not null)
        {
            // Four hundred writes queued at once: far fewer transactions than writes (one per write would be 400).
            var transactions = outcomes.Where(o => o.Error is null).Select(o => o.Transaction).Distinct().Count();
            Assert.True(transactions < Writes / 4, $"{transactions} transactions committed {Writes} writes: the writes were not grouped");
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
