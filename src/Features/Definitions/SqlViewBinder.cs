using System.Data.Common;
using DuckDB.NET.Data;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Binds the SQL of views against empty tables shaped like their declared sources, in an in-memory DuckDB with external
/// access disabled and the configuration locked, and reports the output columns. Nothing is read or executed beyond
/// binding: a query that names a file or a missing column fails here, at plan time, instead of at retrieval.
/// </summary>
internal sealed class SqlViewBinder : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly HashSet<string> _tables = new(StringComparer.Ordinal);

    public SqlViewBinder()
    {
        _connection = new DuckDBConnection("DataSource=:memory:");
        _connection.Open();
        Execute("SET enable_external_access = false");
        Execute("SET lock_configuration = true");
    }

    /// <summary>Creates the (empty) table of a source once; its columns are the source's declared schema.</summary>
    public void DeclareSource(DataSourceSpec source)
    {
        if (!_tables.Add(source.Name))
        {
            return;
        }
        var columns = source.Schema.Select(f => $"{Quote(f.Name)} {FeatureTypes.DuckDbType(f.Type)}");
        Execute($"CREATE TABLE {Quote(source.Name)} ({string.Join(", ", columns)})");
    }

    /// <summary>Whether DuckDB's parser reads <paramref name="query"/> as exactly one query (nothing is bound or run).</summary>
    public bool TryParse(string query, out string error) => DuckDbQueryCheck.IsSingleQuery(_connection, query, out error);

    /// <summary>
    /// The output columns of <paramref name="query"/> (already checked by <see cref="TryParse"/>) with their feature
    /// types (null for a column no feature type holds, such as a list), or the DuckDB error.
    /// </summary>
    public bool TryDescribe(string query, out IReadOnlyList<(string Name, string DuckDbType, FeatureValueType? Type)> columns, out string error)
    {
        var result = new List<(string, string, FeatureValueType?)>();
        columns = result;
        error = "";
        try
        {
            using var command = _connection.CreateCommand();
            // The newlines keep a trailing "-- comment" in the user's SQL from swallowing the closing parenthesis.
            command.CommandText = $"DESCRIBE SELECT * FROM (\n{query}\n) AS view_query";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var type = reader.GetString(1);
                result.Add((reader.GetString(0), type, FeatureTypes.FromDuckDb(type)));
            }
            return true;
        }
        catch (DbException e)
        {
            error = e.Message.Trim();
            return false;
        }
    }

    public void Dispose() => _connection.Dispose();

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
