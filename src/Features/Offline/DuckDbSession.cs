using DuckDB.NET.Data;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// One sandboxed in-memory DuckDB per retrieval. Before any definition-supplied SQL runs, the session is limited to the
/// files the job declares (<c>allowed_paths</c>; its spill folder is the only directory DuckDB may touch), external access
/// is turned off and the configuration locked, so SQL in a view can neither read another file (<c>/etc/passwd</c>, the
/// catalog, another source's folder) nor <c>SET</c> its way out. Settings: UTC session time zone, memory limit and spill
/// folder from <see cref="OfflineStoreOptions"/>, no extension loading.
/// </summary>
internal sealed class DuckDbSession : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly string _spillDirectory;

    private DuckDbSession(DuckDBConnection connection, string spillDirectory)
    {
        _connection = connection;
        _spillDirectory = spillDirectory;
    }

    public static DuckDbSession Open(OfflineStoreOptions options, IEnumerable<string> allowedFiles)
    {
        var spill = Path.Join(Path.GetFullPath(options.TempDirectory), "duckdb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(spill);
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            var session = new DuckDbSession(connection, spill);
            var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
            // Order matters: allowed_paths cannot change once external access is off, and nothing can once locked.
            session.Execute(string.Join(";\n",
                $"SET threads = {threads}",
                $"SET memory_limit = {SqlText.Str(options.DuckDbMemoryLimit)}",
                $"SET temp_directory = {SqlText.Str(spill)}",
                "SET TimeZone = 'UTC'",
                "SET preserve_insertion_order = true",
                "SET autoinstall_known_extensions = false",
                "SET autoload_known_extensions = false",
                $"SET allowed_paths = {SqlText.StrList(allowedFiles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}",
                $"SET allowed_directories = {SqlText.StrList([spill + Path.DirectorySeparatorChar])}",
                "SET enable_external_access = false",
                "SET lock_configuration = true"), "opening DuckDB", CancellationToken.None);
            return session;
        }
        catch
        {
            connection.Dispose();
            TryDelete(spill);
            throw;
        }
    }

    public DuckDBConnection Connection => _connection;

    public void Execute(string sql, string context, CancellationToken ct)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var registration = ct.Register(Interrupt, command);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (DuckDBException e)
        {
            throw DuckDbErrors.Map(e, context, ct);
        }
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Refuses definition SQL that DuckDB's parser does not read as exactly one query, before it is wrapped in the store's
    /// own statements: text that closes the wrapper's parenthesis and starts a second statement never reaches execution.
    /// </summary>
    public void RequireSingleQuery(string sql, string context)
    {
        if (!DuckDbQueryCheck.IsSingleQuery(_connection, sql, out var error))
            throw MlopsException.Invalid("features", $"{context}: {error}");
    }

    /// <summary>Column names and DuckDB type names of a relation (a table name or a parenthesized query); binds (and so checks) its SQL.</summary>
    public IReadOnlyList<(string Name, string Type)> Describe(string relation, string context, CancellationToken ct)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM {relation} AS {SqlText.Reserved}d";
        using var registration = ct.Register(Interrupt, command);
        try
        {
            using var reader = command.ExecuteReader();
            var columns = new List<(string, string)>();
            while (reader.Read()) columns.Add((reader.GetString(0), reader.GetString(1)));
            return columns;
        }
        catch (DuckDBException e)
        {
            throw DuckDbErrors.Map(e, context, ct);
        }
    }

    /// <summary>A streaming command: rows are produced as they are read, so a large result never sits in memory whole.</summary>
    public DuckDBCommand StreamingCommand(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = true;
        return command;
    }

    public static void Interrupt(object? command) => ((DuckDBCommand)command!).Cancel();

    public void Dispose()
    {
        _connection.Dispose();
        TryDelete(_spillDirectory);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Spill files are DuckDB's; a leftover folder under TempDirectory is harmless and swept by the next cleanup.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
