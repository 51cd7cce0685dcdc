using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>The contract against the embedded store, in a folder of this test's own.</summary>
[Trait("Category", Category.Unit)]
public sealed class SqliteOnlineStoreContractTests : OnlineStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-online-sqlite-").FullName;

    protected override Task<IOnlineStore> OpenAsync(TimeProvider? time = null) =>
        Task.FromResult<IOnlineStore>(SqliteOnlineStore.Open(Options(_folder), time: time));

    protected override Task<IOnlineStore> OpenIsolatedAsync() =>
        Task.FromResult<IOnlineStore>(SqliteOnlineStore.Open(Options(Path.Combine(_folder, "isolated"))));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    internal static OnlineStoreOptions Options(string folder) => new()
    {
        SqliteFolder = folder,
        ExpiryGrace = Grace,
        SweepInterval = null,
    };
}
