using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>
/// The sandboxed DuckDB session itself, driven with statements a view's SQL can never issue (it must be one query): even
/// run directly they write no file, load no extension, read no environment and change no setting. This configuration, not
/// any check of the SQL text, is what holds.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class LockedSessionTests : IDisposable
{
    private readonly OfflineTestHost _host = new();
    private readonly string _declared;

    public LockedSessionTests()
    {
        _declared = Path.Join(_host.SourceRoot, "trips.csv");
        File.WriteAllText(_declared, "driver_id\n1\n");
    }

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData("COPY (SELECT 42 AS leaked) TO '{outside}/leak.csv'")]
    [InlineData("COPY (SELECT 42 AS leaked) TO '{root}/leak.parquet' (FORMAT parquet)")]
    [InlineData("ATTACH '{outside}/leak.duckdb' AS leak")]
    [InlineData("ATTACH '{root}/leak.db' AS leak (TYPE sqlite)")]
    [InlineData("EXPORT DATABASE '{outside}/export'")]
    [InlineData("INSTALL httpfs")]
    [InlineData("FORCE INSTALL parquet")]
    [InlineData("LOAD httpfs")]
    [InlineData("LOAD '{outside}/evil.duckdb_extension'")]
    [InlineData("CREATE TABLE t AS SELECT * FROM read_text('/etc/hostname')")]
    public void File_and_extension_statements_are_refused_and_write_nothing(string statement)
    {
        using var session = DuckDbSession.Open(_host.Options, [_declared]);
        var sql = statement.Replace("{outside}", _host.Outside, StringComparison.Ordinal).Replace("{root}", _host.SourceRoot, StringComparison.Ordinal);

        var e = Assert.ThrowsAny<Exception>(() => session.Execute(sql, "test", CancellationToken.None));

        Assert.Contains("Permission Error", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_host.Outside));
        Assert.Equal([_declared], Directory.GetFileSystemEntries(_host.SourceRoot));
    }

    /// <summary>The sandbox leaves DuckDB its spill folder: a query over the memory limit completes.</summary>
    [Fact]
    public void A_query_larger_than_the_memory_limit_still_spills()
    {
        using var host = new OfflineTestHost(memoryLimit: "64MB");
        using var session = DuckDbSession.Open(host.Options, []);
        // About 3 M distinct 32-character keys in a hash aggregate: well over 64 MB, so it completes only by spilling.
        using var command = session.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM (SELECT md5(i::VARCHAR) AS s FROM range(3000000) t(i) GROUP BY s)";
        Assert.Equal(3_000_000L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_environment_is_not_readable()
    {
        using var session = DuckDbSession.Open(_host.Options, [_declared]);
        // getenv exists only in DuckDB's command-line shell; the embedded library has no function that reads the environment.
        var e = Assert.ThrowsAny<Exception>(() => session.Execute("CREATE TABLE t AS SELECT getenv('HOME') AS home", "test", CancellationToken.None));
        Assert.Contains("getenv does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_reveal_only_the_declared_files_and_the_spill_folder()
    {
        using var session = DuckDbSession.Open(_host.Options, [_declared]);

        Assert.Equal([_declared], Setting<List<string>>(session, "allowed_paths"));
        // DuckDB itself allows its temp_directory once external access is off; the session names it explicitly anyway.
        var spill = Assert.Single(Setting<List<string>>(session, "allowed_directories"));
        Assert.StartsWith(Path.Join(Path.GetFullPath(_host.Options.TempDirectory), "duckdb-"), spill, StringComparison.Ordinal);
        Assert.False(Setting<bool>(session, "enable_external_access"));
        Assert.True(Setting<bool>(session, "lock_configuration"));
        Assert.False(Setting<bool>(session, "autoload_known_extensions"));
        Assert.False(Setting<bool>(session, "autoinstall_known_extensions"));
    }

    [Theory]
    [InlineData("SET enable_external_access = true", "enable_external_access")]
    [InlineData("SET GLOBAL enable_external_access = true", "enable_external_access")]
    [InlineData("PRAGMA enable_external_access = true", "enable_external_access")]
    [InlineData("RESET allowed_paths", "allowed_paths")]
    [InlineData("SET allowed_paths = ['/etc/passwd']", "allowed_paths")]
    [InlineData("RESET allowed_directories", "allowed_directories")]
    [InlineData("SET allowed_directories = ['/']", "allowed_directories")]
    [InlineData("SET autoload_known_extensions = true", "autoload_known_extensions")]
    [InlineData("SET autoinstall_known_extensions = true", "autoinstall_known_extensions")]
    [InlineData("SET allow_unsigned_extensions = true", "allow_unsigned_extensions")]
    [InlineData("SET temp_directory = '/tmp'", "temp_directory")]
    [InlineData("SET memory_limit = '100GB'", "memory_limit")]
    [InlineData("RESET lock_configuration", "lock_configuration")]
    [InlineData("SET lock_configuration = false", "lock_configuration")]
    public void Locked_settings_cannot_be_set_or_reset(string statement, string setting)
    {
        using var session = DuckDbSession.Open(_host.Options, [_declared]);
        var before = Shown(Setting<object>(session, setting));

        var e = Assert.ThrowsAny<Exception>(() => session.Execute(statement, "test", CancellationToken.None));

        Assert.Contains($"Cannot change configuration option \"{setting}\" - the configuration has been locked", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Shown(Setting<object>(session, setting)));
    }

    private static string Shown(object value) =>
        value is IEnumerable<string> list ? string.Join(",", list) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static T Setting<T>(DuckDbSession session, string name)
    {
        using var command = session.Connection.CreateCommand();
        command.CommandText = $"SELECT current_setting('{name}')";
        return (T)command.ExecuteScalar()!;
    }
}
