namespace MlOps.Orleans.Tests.Artifacts.Transfers;

/// <summary>
/// Upload content that runs <paramref name="onFirstRead"/> (deleting the run) when the store starts reading it: by then the
/// run was resolved as active, so only the record after the write can refuse, which is the compensation path.
/// </summary>
internal sealed class RefusingRunStream(byte[] bytes, Func<Task> onFirstRead) : Stream
{
    private int _position;
    private bool _fired;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_fired)
        {
            _fired = true;
            await onFirstRead();
        }
        var count = Math.Min(buffer.Length, bytes.Length - _position);
        bytes.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
