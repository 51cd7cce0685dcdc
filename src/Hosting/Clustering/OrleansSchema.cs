using Npgsql;

namespace MlOps.Orleans.Hosting.Clustering;

/// <summary>
/// The Orleans ADO.NET tables and query texts (membership, grain state, reminders) in the shared PostgreSQL; see
/// <c>Sql/README.md</c> for the contract with the 10.4.2 providers. Silos and gateways apply it at start, so whichever
/// process comes first finds the membership table.
/// </summary>
public static class OrleansSchema
{
    // Any constant works as long as every process uses the same one; it is the catalog migrations' key too, so schema
    // setup and catalog migrations of silos starting together never interleave.
    private const long LockKey = 0x6D6C6F7073;

    /// <summary>Applies the script; idempotent, serialized across processes by an advisory lock.</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken ct = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", c, tx))
        {
            lockCommand.Parameters.AddWithValue("@k", LockKey);
            await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (var script = new NpgsqlCommand(Script(), c, tx))
            await script.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static string Script()
    {
        var assembly = typeof(OrleansSchema).Assembly;
        var name = $"{assembly.GetName().Name}.Clustering.Sql.postgres-orleans.sql";
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded script {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
