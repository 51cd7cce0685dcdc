using Microsoft.Data.Sqlite;
using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// The catalog's one write connection commits in WAL mode with synchronous=FULL: under WAL, NORMAL would acknowledge commits
/// that a power loss can take back. Read on that connection itself, since synchronous is a per-connection setting.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SqliteWriterDurabilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-sqlite-writer-").FullName;

    [Fact]
    public async Task The_writer_connection_reports_wal_and_synchronous_full()
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = Path.Join(_folder, "catalog.db"), Pooling = false }.ToString();
        await using var writer = await SqliteWriter.StartAsync(cs, default);

        var settings = await writer.ReadDurabilitySettingsAsync(default);

        Assert.Equal("wal", settings[SqliteWriter.JournalModeSetting]);
        Assert.Equal("full", settings[SqliteWriter.SynchronousSetting]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
