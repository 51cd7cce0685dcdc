using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>
/// What every <see cref="IArtifactStore"/> backend promises, run against each real backend. Each test gets an empty store.
/// </summary>
public abstract partial class ArtifactStoreContract : IAsyncLifetime
{
    protected const string Run = "7/0123456789abcdef0123456789abcdef/artifacts";
    private IArtifactStore? _store;

    /// <summary>The backend's store; a missing backend throws (a failure, or a skip when allowed, see TestServices).</summary>
    protected abstract Task<IArtifactStore> CreateStoreAsync();

    /// <summary>What a reader of the backend can see: every file, by its full name.</summary>
    protected abstract Task<IReadOnlyList<string>> VisibleAsync();

    /// <summary>Everything the backend holds, including work in progress (partial files, uncommitted blocks) and any escape target.</summary>
    protected abstract Task<IReadOnlyList<string>> EverythingAsync();

    protected abstract Task CleanUpAsync();

    protected IArtifactStore Store => _store!;

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync();
    }

    public Task DisposeAsync() => CleanUpAsync();

    protected static string Key(string path) => $"{Run}/{path}";

    protected async Task<StoredArtifact> WriteAsync(string path, long length, ulong seed) =>
        await Store.WriteAsync(Key(path), new PatternStream(length, seed));

    protected async Task<byte[]> ReadAllAsync(string key, long offset = 0, long? length = null)
    {
        await using var content = await Store.OpenReadAsync(key, offset, length);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        Assert.Equal(content.Length, copy.Length);
        return copy.ToArray();
    }

    [SkippableFact]
    public async Task Write_streams_the_content_and_returns_its_size_and_sha256()
    {
        const long size = 9 * 1024 * 1024 + 17; // more than two blob blocks, not a multiple of anything
        var stored = await WriteAsync("model/weights.bin", size, seed: 1);
        Assert.Equal(size, stored.Size);
        Assert.Equal(PatternBytes.Sha256(size, 1), stored.Sha256);
        await using var content = await Store.OpenReadAsync(Key("model/weights.bin"));
        Assert.Equal(size, content.FileSize);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[100_000];
        int read;
        while ((read = await content.Stream.ReadAsync(buffer)) > 0) hash.AppendData(buffer, 0, read);
        Assert.Equal(stored.Sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [SkippableFact]
    public async Task Empty_file_is_stored_and_read_back_empty()
    {
        var stored = await Store.WriteAsync(Key("empty.txt"), Stream.Null);
        Assert.Equal(0, stored.Size);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", stored.Sha256);
        Assert.Empty(await ReadAllAsync(Key("empty.txt")));
    }

    [SkippableTheory]
    [InlineData(0, null, 0, 5000)]
    [InlineData(1000, null, 1000, 4000)]
    [InlineData(1000, 10L, 1000, 10)]
    [InlineData(4990, 100L, 4990, 10)]
    [InlineData(5000, null, 5000, 0)]
    [InlineData(0, 0L, 0, 0)]
    public async Task Read_returns_the_asked_range_clipped_to_the_end(long offset, long? length, long expectedOffset, int expectedLength)
    {
        await WriteAsync("range.bin", 5000, seed: 2);
        var bytes = await ReadAllAsync(Key("range.bin"), offset, length);
        Assert.Equal(PatternBytes.Range(expectedOffset, expectedLength, 2), bytes);
    }

    [SkippableTheory]
    [InlineData(5001, null, "offset")]
    [InlineData(-1, null, "offset")]
    [InlineData(0, -1L, "length")]
    public async Task Read_refuses_a_range_outside_the_file(long offset, long? length, string field)
    {
        await WriteAsync("range.bin", 5000, seed: 2);
        var e = await Assert.ThrowsAsync<MlopsException>(() => Store.OpenReadAsync(Key("range.bin"), offset, length));
        Assert.Equal((ErrorCode.InvalidArgument, field), (e.Code, e.Field));
    }

    [SkippableFact]
    public async Task Read_of_a_missing_file_or_a_directory_is_not_found()
    {
        await WriteAsync("dir/file.txt", 10, seed: 3);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<MlopsException>(() => Store.OpenReadAsync(Key("nothing.txt")))).Code);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<MlopsException>(() => Store.OpenReadAsync(Key("dir")))).Code);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<MlopsException>(() => Store.OpenReadAsync(Key("dir/file.txt/below")))).Code);
    }

    [SkippableFact]
    public async Task Write_over_an_existing_file_replaces_it()
    {
        await WriteAsync("file.bin", 6 * 1024 * 1024, seed: 4);
        var second = await WriteAsync("file.bin", 1000, seed: 5);
        Assert.Equal(PatternBytes.Range(0, 1000, 5), await ReadAllAsync(Key("file.bin")));
        Assert.Equal(1000, second.Size);
        Assert.Equal([Key("file.bin")], await VisibleAsync());
    }

}
