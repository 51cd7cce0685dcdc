using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>Directories: listing, deleting, copying and existence.</summary>
public abstract partial class ArtifactStoreContract
{
    [SkippableFact]
    public async Task List_one_level_shows_files_and_directories_and_recursive_shows_every_file()
    {
        await WriteAsync("a.txt", 1, seed: 12);
        await WriteAsync("plots/loss.png", 2, seed: 12);
        await WriteAsync("plots/deep/acc.png", 3, seed: 12);
        await WriteAsync("z/model.onnx", 4, seed: 12);
        Assert.Equal(
            [new(Key("a.txt"), false, 1), new(Key("plots"), true, 0), new(Key("z"), true, 0)],
            await Store.ListAsync(Run, recursive: false));
        Assert.Equal(
            [new(Key("a.txt"), false, 1), new(Key("plots/deep/acc.png"), false, 3), new(Key("plots/loss.png"), false, 2), new(Key("z/model.onnx"), false, 4)],
            await Store.ListAsync(Run, recursive: true));
        Assert.Equal([new ArtifactEntry(Key("plots/deep"), true, 0), new ArtifactEntry(Key("plots/loss.png"), false, 2)], await Store.ListAsync(Key("plots"), recursive: false));
        Assert.Empty(await Store.ListAsync(Key("nothing"), recursive: true));
        Assert.Equal(4, (await Store.ListAsync("", recursive: true)).Count);
    }

    [SkippableFact]
    public async Task Delete_removes_a_file_or_a_whole_directory()
    {
        await WriteAsync("keep.txt", 1, seed: 13);
        await WriteAsync("dir/a.txt", 1, seed: 13);
        await WriteAsync("dir/sub/b.txt", 1, seed: 13);
        await WriteAsync("dirx.txt", 1, seed: 13);
        Assert.True(await Store.DeleteAsync(Key("dir/a.txt")));
        Assert.False(await Store.ExistsAsync(Key("dir/a.txt")));
        Assert.True(await Store.DeleteAsync(Key("dir")));
        Assert.False(await Store.DeleteAsync(Key("dir")));
        Assert.Equal([Key("dirx.txt"), Key("keep.txt")], await VisibleAsync());
        Assert.Equal([new ArtifactEntry(Key("dirx.txt"), false, 1), new ArtifactEntry(Key("keep.txt"), false, 1)], await Store.ListAsync(Run, recursive: false));
    }

    [SkippableFact]
    public async Task Copy_duplicates_a_file_or_a_directory_and_a_missing_source_is_not_found()
    {
        await WriteAsync("model/model.onnx", 5 * 1024 * 1024, seed: 14);
        await WriteAsync("model/MLmodel", 100, seed: 15);
        Assert.Equal(1, await Store.CopyAsync(Key("model/MLmodel"), "registry/m/1/MLmodel"));
        Assert.Equal(2, await Store.CopyAsync(Key("model"), "registry/m/2"));
        Assert.Equal(PatternBytes.Range(0, 100, 15), await ReadAllAsync("registry/m/1/MLmodel"));
        await using (var copy = await Store.OpenReadAsync("registry/m/2/model.onnx"))
            Assert.Equal(5 * 1024 * 1024, copy.FileSize);
        Assert.Equal(PatternBytes.Range(4 * 1024 * 1024, 1000, 14), await ReadAllAsync("registry/m/2/model.onnx", 4 * 1024 * 1024, 1000));
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<MlopsException>(() => Store.CopyAsync(Key("nothing"), "registry/m/3"))).Code);
    }

    [SkippableFact]
    public async Task Exists_sees_files_and_directories_but_not_names_that_merely_share_a_prefix()
    {
        await WriteAsync("dir/file.txt", 1, seed: 16);
        Assert.True(await Store.ExistsAsync(Key("dir/file.txt")));
        Assert.True(await Store.ExistsAsync(Key("dir")));
        Assert.False(await Store.ExistsAsync(Key("di")));
        Assert.False(await Store.ExistsAsync(Key("dir/file")));
    }
}
