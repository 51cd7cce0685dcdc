using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>The local store hands out the real path of a stored file, and nothing for anything else.</summary>
[Trait("Category", Category.Unit)]
public sealed class LocalArtifactFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlops-local-files-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Real_path_of_a_file_and_null_otherwise()
    {
        var store = new LocalArtifactStore(Path.Join(_root, "store"));
        await store.WriteAsync("a/b.parquet", new MemoryStream([1, 2, 3]));
        var outside = Path.Join(_root, "outside.txt");
        await File.WriteAllTextAsync(outside, "secret");
        File.CreateSymbolicLink(Path.Join(_root, "store", "a", "link.txt"), outside);
        ILocalArtifactFiles files = store;

        Assert.Equal(Path.Join(store.Location, "a", "b.parquet"), files.TryGetLocalPath("a/b.parquet"));
        Assert.Null(files.TryGetLocalPath("a/missing.parquet"));
        Assert.Null(files.TryGetLocalPath("a"));
        Assert.Null(files.TryGetLocalPath("../outside.txt"));
        Assert.Null(files.TryGetLocalPath("a/link.txt"));
    }
}
