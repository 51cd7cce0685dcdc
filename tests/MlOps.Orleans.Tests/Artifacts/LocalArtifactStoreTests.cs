using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>The store contract on a folder, plus what only a file system can do: symbolic links.</summary>
[Trait("Category", Category.Unit)]
public sealed class LocalArtifactStoreTests : ArtifactStoreContract
{
    // The root sits inside a folder of its own, so "anywhere" includes where an escape would land.
    private readonly string _base = Path.Combine(Path.GetTempPath(), "mlops-artifact-tests", Guid.NewGuid().ToString("N"));

    private string Root => Path.Combine(_base, "root");

    private string Outside => Path.Combine(_base, "outside");

    protected override Task<IArtifactStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "secret");
        return Task.FromResult<IArtifactStore>(new LocalArtifactStore(Root));
    }

    protected override Task<IReadOnlyList<string>> VisibleAsync() => Task.FromResult<IReadOnlyList<string>>(
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith(LocalArtifactStore.PartialFolder + "/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList());

    protected override Task<IReadOnlyList<string>> EverythingAsync() => Task.FromResult<IReadOnlyList<string>>(
        Directory.EnumerateFileSystemEntries(_base, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_base, f)).Order(StringComparer.Ordinal).ToList());

    protected override Task CleanUpAsync()
    {
        if (Directory.Exists(_base)) Directory.Delete(_base, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Failed_write_leaves_no_partial_file_behind()
    {
        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(Key("x.bin"), new PatternStream(4096, 1, failAfter: 1000)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Root, LocalArtifactStore.PartialFolder)));
    }

    [Fact]
    public async Task Folder_link_leading_outside_the_root_is_neither_read_listed_written_nor_deleted_through()
    {
        await WriteAsync("real.txt", 1, seed: 1);
        var link = Path.Combine(Root, Key("escape"));
        Directory.CreateSymbolicLink(link, Outside);
        var before = await EverythingAsync();

        await Refused(() => Store.OpenReadAsync(Key("escape/secret.txt")), "symbolic link");
        await Refused(() => Store.ListAsync(Key("escape"), recursive: true), "symbolic link");
        await Refused(() => Store.ExistsAsync(Key("escape/secret.txt")), "symbolic link");
        await Refused(() => Store.WriteAsync(Key("escape/planted.txt"), new PatternStream(10, 2)), "symbolic link");
        await Refused(() => Store.WriteAsync(Key("escape/secret.txt"), new PatternStream(10, 2)), "symbolic link");
        await Refused(() => Store.DeleteAsync(Key("escape/secret.txt")), "symbolic link");
        await Refused(() => Store.CopyAsync(Key("escape"), "copied"), "symbolic link");
        await Refused(() => Store.CopyAsync(Key("real.txt"), Key("escape/copied.txt")), "symbolic link");

        Assert.Equal(before, await EverythingAsync());
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(Outside, "secret.txt")));
        // Listings skip links altogether, so a link never shows a folder's contents.
        Assert.Equal([new ArtifactEntry(Key("real.txt"), false, 1)], await Store.ListAsync(Run, recursive: false));
        Assert.Single(await Store.ListAsync("", recursive: true));
    }

    [Fact]
    public async Task File_link_leading_outside_the_root_is_neither_read_nor_overwritten()
    {
        Directory.CreateDirectory(Path.Combine(Root, Key("")));
        File.CreateSymbolicLink(Path.Combine(Root, Key("passwd")), Path.Combine(Outside, "secret.txt"));
        await Refused(() => Store.OpenReadAsync(Key("passwd")), "symbolic link");
        await Refused(() => Store.WriteAsync(Key("passwd"), new PatternStream(10, 3)), "symbolic link");
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(Outside, "secret.txt")));
    }

    [Fact]
    public async Task Relative_link_climbing_out_through_dot_dot_is_refused()
    {
        await WriteAsync("real.txt", 1, seed: 1);
        File.CreateSymbolicLink(Path.Combine(Root, Key("up")), "../../../../outside/secret.txt");
        await Refused(() => Store.OpenReadAsync(Key("up")), "symbolic link");
    }

    [Fact]
    public async Task Link_that_stays_inside_the_root_can_be_read_but_never_written_through()
    {
        await WriteAsync("data/real.txt", 5, seed: 4);
        Directory.CreateSymbolicLink(Path.Combine(Root, Key("alias")), Path.Combine(Root, Key("data")));
        Assert.Equal(PatternBytes.Range(0, 5, 4), await ReadAllAsync(Key("alias/real.txt")));
        await Refused(() => Store.WriteAsync(Key("alias/new.txt"), new PatternStream(10, 5)), "symbolic link");
    }

    [Fact]
    public async Task Root_reached_through_a_link_works_and_stays_the_boundary()
    {
        var linkedRoot = Path.Combine(_base, "linked-root");
        Directory.CreateSymbolicLink(linkedRoot, Root);
        var store = new LocalArtifactStore(linkedRoot);
        await store.WriteAsync("a/b.txt", new PatternStream(3, 6));
        Assert.True(File.Exists(Path.Combine(Root, "a", "b.txt")));
        await Refused(() => store.WriteAsync("../outside/x.txt", new PatternStream(3, 6)), "'..'");
    }

    [Fact]
    public async Task Path_under_an_existing_file_or_over_a_directory_is_refused()
    {
        await WriteAsync("file.txt", 1, seed: 7);
        await WriteAsync("dir/inner.txt", 1, seed: 7);
        await Refused(() => Store.WriteAsync(Key("file.txt/below.txt"), new PatternStream(1, 7)), "is a file");
        await Refused(() => Store.WriteAsync(Key("dir"), new PatternStream(1, 7)), "is a directory");
    }

    private static async Task Refused(Func<Task> call, string mention)
    {
        var e = await Assert.ThrowsAsync<MlopsException>(call);
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }
}
