using Npgsql;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>
/// A fresh database per server start on the given PostgreSQL, dropped afterwards: runs never see each other's rows,
/// and Orleans never finds dead silos of an earlier run in its membership table.
/// </summary>
internal sealed class PostgresScratch : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private PostgresScratch(string adminConnectionString, string database, string connectionString, int? postmaster)
    {
        _adminConnectionString = adminConnectionString;
        Database = database;
        ConnectionString = connectionString;
        Postmaster = postmaster;
    }

    public string Database { get; }
    public string ConnectionString { get; }

    /// <summary>The local postmaster's pid (parent of our backend), for the database's CPU time; null when PostgreSQL is remote.</summary>
    public int? Postmaster { get; }

    public static async Task<PostgresScratch> CreateAsync(string connectionString, CancellationToken ct)
    {
        var database = $"mlops_bench_{Guid.NewGuid():N}"[..28];
        int backend;
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
            await using var pid = new NpgsqlCommand("SELECT pg_backend_pid()", admin);
            backend = (int)(await pid.ExecuteScalarAsync(ct))!;
        }
        var scratch = new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
        return new PostgresScratch(connectionString, database, scratch, ParentOf(backend));
    }

    private static int? ParentOf(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
        return line is not null && int.TryParse(line[5..].Trim(), out var parent) ? parent : null;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
