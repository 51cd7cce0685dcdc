using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>
/// Passes a body through and refuses it the moment it exceeds <paramref name="limit"/> bytes; the store then discards the
/// partial write, so an oversize part never becomes visible, however long the client keeps sending.
/// </summary>
internal sealed class CappedStream(Stream inner, long limit, string field, string what) : ForwardReadStream
{
    private long _read;

    // Bytes passed so far, as before this stream shared its base (some SDKs log or check it).
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _read += read;
        if (_read > limit) throw TooLarge(field, what, limit);
        return read;
    }

    public static MlopsException TooLarge(string field, string what, long limit) =>
        MlopsException.Invalid(field, $"{what} is larger than the {limit} bytes allowed (Mlops:Artifacts:MaxPartBytes / MaxUploadBytes); nothing was stored");
}
