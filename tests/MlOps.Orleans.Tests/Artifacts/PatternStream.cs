namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>
/// A forward-only stream of <see cref="PatternBytes"/>, handing out at most <c>maxRead</c> bytes per read like a network
/// would, and failing with an <see cref="IOException"/> once <c>failAfter</c> bytes were read (when set).
/// </summary>
public sealed class PatternStream(long length, ulong seed, int maxRead = 64 * 1024, long failAfter = -1) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var fails = failAfter >= 0 && failAfter < length;
        var end = fails ? failAfter : length;
        if (fails && _position >= end) throw new IOException($"the source failed after {_position} bytes (on purpose)");
        var count = (int)Math.Min(Math.Min(buffer.Length, maxRead), end - _position);
        PatternBytes.Fill(buffer[..count], _position, seed);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
