using System.Globalization;
using Npgsql;

namespace MlOps.Orleans.Hosting;

/// <summary>
/// A process's PostgreSQL connection budget, <c>Mlops:Postgres:MaxConnections</c>. Npgsql keeps one pool per data source
/// and Orleans' ADO.NET providers open theirs from the plain connection string, so a silo has two pools: the catalog's and
/// Orleans' (membership, pub-sub state). The budget is split between them so that the process as a whole never holds more
/// than the setting; Npgsql's default of 100 per pool let two silos exhaust a default PostgreSQL (max_connections 100).
/// </summary>
public static class PostgresPools
{
    public const string MaxConnectionsKey = "Mlops:Postgres:MaxConnections";
    public const int DefaultMaxConnections = 20;
    /// <summary>Two for Orleans (a membership write must not wait behind a pub-sub write) and two for the catalog.</summary>
    public const int MinMaxConnections = 4;
    public const int MaxMaxConnections = 1000;

    /// <summary>Orleans' share: a quarter, at least two; it holds membership heartbeats and pub-sub state, not the catalog's traffic.</summary>
    public static int OrleansShare(int maxConnections) => Math.Max(2, maxConnections / 4);

    public static int CatalogShare(int maxConnections) => maxConnections - OrleansShare(maxConnections);

    /// <summary>
    /// <paramref name="connectionString"/> with its Maximum Pool Size set to <paramref name="poolSize"/> (the setting wins over a
    /// size in the string) and an Application Name, unless it has one, so pg_stat_activity tells the pools apart.
    /// </summary>
    public static string Sized(string connectionString, int poolSize, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = poolSize };
        if (builder.MinPoolSize > poolSize) builder.MinPoolSize = poolSize;
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = applicationName;
        return builder.ConnectionString;
    }

    /// <summary>Reads the nested key (<c>Mlops:Postgres</c> itself is the connection string); null when absent, -1 when not a number.</summary>
    internal static int? Parse(string? raw) =>
        raw is null ? null : int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
