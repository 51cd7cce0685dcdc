using MlOps.Orleans.Catalog.Migrations;
using MlOps.Orleans.Catalog.Storage;
using Npgsql;

namespace MlOps.Orleans.Catalog.Postgres;

/// <summary>The tables and queries Orleans' ADO.NET providers need (clustering, grain storage) on a cluster's PostgreSQL.</summary>
public static class OrleansSchema
{
    /// <summary>Applies the Orleans ADO.NET tables and queries; idempotent, serialized by the catalog migrations' advisory lock.</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken ct = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(tx, "SELECT pg_advisory_xact_lock(@k)", ct, ("@k", PostgresCatalogDatabase.MigrationLockKey)).ConfigureAwait(false);
        await c.ExecAsync(tx, Migration.Resource("Orleans/postgres-orleans.sql"), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }
}
