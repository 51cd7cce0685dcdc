namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>The parts of a multipart upload, read one after another as one stream (never buffered whole).</summary>
internal sealed class PartsStream(IArtifactStore store, IReadOnlyList<string> keys, CancellationToken ct) : ForwardReadStream
{
    private int _next;
    private ArtifactContent? _current;

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

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null) await _current.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
