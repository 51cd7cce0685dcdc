using MlOps.Orleans.Artifacts.Transfers;

namespace MlOps.Orleans.Tests.Artifacts.Transfers;

/// <summary>
/// Upload content that runs <paramref name="onFirstRead"/> (deleting the run) when the store starts reading it: by then the
/// run was resolved as active, so only the record after the write can refuse, which is the compensation path.
/// </summary>
internal sealed class RefusingRunStream(byte[] bytes, Func<Task> onFirstRead) : ForwardReadStream
{
    private int _position;
    private bool _fired;

    // Bytes passed so far, as before this stream shared its base (some SDKs log or check it).
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
}
