using Grpc.Core;
using MlOps.Orleans.Contracts.Common;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Gateway.Artifacts;

/// <summary>The chunks that follow an upload's header, read as one forward-only stream, one message at a time.</summary>
internal sealed class UploadChunkStream(IAsyncStreamReader<Wire.UploadArtifactRequest> requests) : Stream
{
    private ReadOnlyMemory<byte> _current;
    private bool _ended;
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

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty)
        {
            if (_ended || !await requests.MoveNext(cancellationToken))
            {
                _ended = true;
                return 0;
            }
            var message = requests.Current;
            if (message.PayloadCase == Wire.UploadArtifactRequest.PayloadOneofCase.Header)
                throw MlopsException.Invalid("header", "only the first message of an upload may be a header; the others carry chunks");
            _current = message.PayloadCase == Wire.UploadArtifactRequest.PayloadOneofCase.Chunk ? message.Chunk.Memory : default;
        }
        var count = Math.Min(buffer.Length, _current.Length);
        _current[..count].CopyTo(buffer);
        _current = _current[count..];
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // gRPC request streams are asynchronous only.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read the upload asynchronously");
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
