using Microsoft.Data.Sqlite;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>
/// Gives an experiment or runs just created on the real MLflow server the ids ours minted for the same request, by
/// rewriting them in MLflow's SQLite backend store. Neither server lets a client choose an id, and the bodies that follow
/// (log-metric, log-batch, runs/search) carry them: with equal ids both servers get byte-identical bodies. Done between
/// creation and first use, outside every measured window; MLflow's SqlAlchemyStore reads the database on every request
/// and caches no ids, so the rewrite is all it sees.
/// </summary>
internal static class MlflowStoreIds
{
    /// <summary>Renames a fresh experiment (only its row and tags exist yet), its artifact location with it.</summary>
    public static void RenameExperiment(string database, string theirs, string ours)
    {
        using var connection = Open(database);
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "UPDATE experiments SET experiment_id = $ours, artifact_location = replace(artifact_location, '/' || $theirs, '/' || $ours) " +
            "WHERE experiment_id = $theirs", ("$theirs", long.Parse(theirs, System.Globalization.CultureInfo.InvariantCulture)),
            ("$ours", long.Parse(ours, System.Globalization.CultureInfo.InvariantCulture)), expected: 1);
        Execute(connection, transaction, "UPDATE experiment_tags SET experiment_id = $ours WHERE experiment_id = $theirs",
            ("$theirs", long.Parse(theirs, System.Globalization.CultureInfo.InvariantCulture)), ("$ours", long.Parse(ours, System.Globalization.CultureInfo.InvariantCulture)));
        transaction.Commit();
    }

    /// <summary>Renames fresh runs (only their rows and tags exist yet), artifact URIs with them; (theirs, ours) pairs.</summary>
    public static void RenameRuns(string database, IReadOnlyList<(string Theirs, string Ours)> runs)
    {
        using var connection = Open(database);
        using var transaction = connection.BeginTransaction();
        foreach (var (theirs, ours) in runs)
        {
            Execute(connection, transaction, "UPDATE runs SET run_uuid = $ours, artifact_uri = replace(artifact_uri, $theirs, $ours) WHERE run_uuid = $theirs",
                ("$theirs", theirs), ("$ours", ours), expected: 1);
            Execute(connection, transaction, "UPDATE tags SET run_uuid = $ours WHERE run_uuid = $theirs", ("$theirs", theirs), ("$ours", ours));
        }
        transaction.Commit();
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, DefaultTimeout = 30 }.ToString());
        connection.Open();
        // Parent and child rows change together inside one transaction; MLflow turns foreign keys on for its own connections only.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, (string Name, object Value) first, (string Name, object Value) second,
        int? expected = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue(first.Name, first.Value);
        command.Parameters.AddWithValue(second.Name, second.Value);
        var changed = command.ExecuteNonQuery();
        if (expected is { } e && changed != e)
            throw new InvalidOperationException($"MLflow's store changed {changed} rows, expected {e}: {sql} ({first.Value} → {second.Value}); has its schema moved?");
    }
}
