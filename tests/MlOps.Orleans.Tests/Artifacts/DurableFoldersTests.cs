using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>Folders on the way to a durable file are created one level at a time, each new one's parent fsynced.</summary>
[Trait("Category", Category.Unit)]
public sealed class DurableFoldersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlops-durable-folders-").FullName;

    [Fact]
    public void Every_new_folder_has_its_parent_synced_up_to_the_existing_root()
    {
        var synced = new List<string>();
        var model = Path.Join(_root, "runs", "r1", "artifacts", "model");

        var created = DurableFolders.Create(model, synced.Add);

        string[] expected = [Path.Join(_root, "runs"), Path.Join(_root, "runs", "r1"), Path.Join(_root, "runs", "r1", "artifacts"), model];
        Assert.Equal(expected, created);
        // The root that already existed is synced too: it holds the new runs/ entry.
        Assert.Equal([_root, .. expected[..^1]], synced);
        Assert.True(Directory.Exists(model));
    }

    [Fact]
    public void Folders_that_exist_are_neither_created_nor_synced_again()
    {
        var synced = new List<string>();
        DurableFolders.Create(Path.Join(_root, "runs", "r1"), _ => { });

        var created = DurableFolders.Create(Path.Join(_root, "runs", "r1", "artifacts"), synced.Add);

        Assert.Equal([Path.Join(_root, "runs", "r1", "artifacts")], created);
        Assert.Equal([Path.Join(_root, "runs", "r1")], synced);
        Assert.Empty(DurableFolders.Create(Path.Join(_root, "runs", "r1", "artifacts"), synced.Add));
        Assert.Single(synced);
    }

    [SkippableFact]
    public void Syncing_a_missing_folder_throws_naming_it_and_the_errno()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "folder fsync is Linux-only; elsewhere it does nothing");
        var missing = Path.Join(_root, "never-created");

        var e = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));

        Assert.Contains($"'{missing}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("errno 2", e.Message, StringComparison.Ordinal); // ENOENT
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
