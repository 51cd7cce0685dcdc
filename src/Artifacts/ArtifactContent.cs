namespace MlOps.Orleans.Artifacts;

/// <summary>An open range of a stored file. Dispose it to release the file or the connection.</summary>
public sealed class ArtifactContent(Stream stream, long fileSize, long offset, long length) : IAsyncDisposable
{
    /// <summary>Exactly <see cref="Length"/> bytes, starting at <see cref="Offset"/> of the file.</summary>
    public Stream Stream { get; } = stream;

    /// <summary>The whole file's size, whatever range was asked for.</summary>
    public long FileSize { get; } = fileSize;

    public long Offset { get; } = offset;

    public long Length { get; } = length;

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
