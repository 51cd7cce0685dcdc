namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>The parts of a multipart upload, read one after another as one stream (never buffered whole).</summary>
internal sealed class PartsStream(IArtifactStore store, IReadOnlyList<string> keys, CancellationToken ct) : Stream
{
    private int _next;
    private ArtifactContent? _current;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_current is null)
            {
                if (_next == keys.Count) return 0;
                _current = await store.OpenReadAsync(keys[_next++], ct: ct).ConfigureAwait(false);
            }
            var read = await _current.Stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0) return read;
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null) await _current.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
