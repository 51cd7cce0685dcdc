using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>Writes that fail, are refused or do not match leave the store as it was.</summary>
public abstract partial class ArtifactStoreContract
{
    [SkippableFact]
    public async Task Write_that_fails_midway_leaves_nothing_visible()
    {
        var failing = new PatternStream(20 * 1024 * 1024, seed: 6, failAfter: 9 * 1024 * 1024);
        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(Key("partial.bin"), failing));
        Assert.Empty(await VisibleAsync());
        Assert.False(await Store.ExistsAsync(Key("partial.bin")));
    }

    [SkippableFact]
    public async Task Failed_overwrite_keeps_the_previous_file()
    {
        await WriteAsync("kept.bin", 3000, seed: 7);
        var failing = new PatternStream(10 * 1024 * 1024, seed: 8, failAfter: 5 * 1024 * 1024);
        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(Key("kept.bin"), failing));
        Assert.Equal(PatternBytes.Range(0, 3000, 7), await ReadAllAsync(Key("kept.bin")));
    }

    [SkippableFact]
    public async Task Write_not_matching_the_expected_digest_or_size_keeps_nothing()
    {
        var sha = await Assert.ThrowsAsync<MlopsException>(() =>
            Store.WriteAsync(Key("checked.bin"), new PatternStream(5000, 9), new ExpectedContent(null, new string('0', 64))));
        Assert.Equal("expected_sha256", sha.Field);
        var size = await Assert.ThrowsAsync<MlopsException>(() =>
            Store.WriteAsync(Key("checked.bin"), new PatternStream(5000, 9), new ExpectedContent(4999, null)));
        Assert.Equal("expected_size", size.Field);
        Assert.Empty(await VisibleAsync());
        var stored = await Store.WriteAsync(Key("checked.bin"), new PatternStream(5000, 9), new ExpectedContent(5000, PatternBytes.Sha256(5000, 9)));
        Assert.Equal(5000, stored.Size);
    }

    [SkippableTheory]
    [MemberData(nameof(TraversalCases.Names), MemberType = typeof(TraversalCases))]
    public async Task Traversal_key_is_refused_and_nothing_is_written_anywhere(string name)
    {
        await WriteAsync("existing.txt", 10, seed: 10);
        var before = await EverythingAsync();
        var (path, mention) = TraversalCases.All[name];
        var e = await Assert.ThrowsAsync<MlopsException>(() => Store.WriteAsync(path, new PatternStream(100, 11)));
        Assert.Equal((ErrorCode.InvalidArgument, "path"), (e.Code, e.Field));
        Assert.Contains(mention, e.Message, StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<MlopsException>(() => Store.OpenReadAsync(path));
        await Assert.ThrowsAsync<MlopsException>(() => Store.DeleteAsync(path));
        await Assert.ThrowsAsync<MlopsException>(() => Store.CopyAsync(Key("existing.txt"), path));
        Assert.Equal(before, await EverythingAsync());
    }
}
