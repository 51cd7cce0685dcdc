using Microsoft.Data.Sqlite;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// One read connection with its statements prepared once. WAL lets any number of these read while the writer commits;
/// each read runs in one deferred transaction, so all views of a request come from the same snapshot.
/// </summary>
internal sealed class SqliteReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _generation;
    private readonly SqliteCommand _row;

    public SqliteReader(string path, TimeSpan busyTimeout)
    {
        _connection = SqliteSchema.Open(path, busyTimeout);
        _generation = _connection.CreateCommand();
        _generation.CommandText = "SELECT gen FROM online_views WHERE view = $view AND version = $version";
        _generation.Parameters.Add("$view", SqliteType.Text);
        _generation.Parameters.Add("$version", SqliteType.Integer);
        _generation.Prepare();
        _row = _connection.CreateCommand();
        _row.CommandText = "SELECT value FROM online_rows WHERE gen = $gen AND entity = $entity AND expires_ms > $now";
        _row.Parameters.Add("$gen", SqliteType.Integer);
        _row.Parameters.Add("$entity", SqliteType.Text);
        _row.Parameters.Add("$now", SqliteType.Integer);
        _row.Prepare();
    }

    public OnlineRow?[][] Read(IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entityKeys, long nowMs)
    {
        var result = new OnlineRow?[views.Count][];
        using var transaction = _connection.BeginTransaction(deferred: true);
        _generation.Transaction = transaction;
        _row.Transaction = transaction;
        _row.Parameters[2].Value = nowMs;
        for (var v = 0; v < views.Count; v++)
        {
            var rows = result[v] = new OnlineRow?[entityKeys.Count];
            _generation.Parameters[0].Value = views[v].Key.View;
            _generation.Parameters[1].Value = views[v].Key.Version;
            if (_generation.ExecuteScalar() is not long generation) continue;
            _row.Parameters[0].Value = generation;
            for (var e = 0; e < entityKeys.Count; e++)
            {
                _row.Parameters[1].Value = entityKeys[e];
                if (_row.ExecuteScalar() is byte[] value) rows[e] = OnlineRowCodec.Decode(views[v], value);
            }
        }
        transaction.Commit();
        return result;
    }

    public void Dispose()
    {
        _generation.Dispose();
        _row.Dispose();
        _connection.Dispose();
    }
}
