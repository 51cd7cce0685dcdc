using StackExchange.Redis;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// What this process believes about one view version in Redis: its meta field and, once seen, its generation. The belief is
/// checked on every call (reads fetch the meta field in the same batch, writes re-check it after writing), so a drop by
/// another process is seen at once; a stale belief costs a second round trip, never a wrong answer.
/// </summary>
internal sealed class RedisViewGeneration(OnlineViewKey view)
{
    private volatile Known? _current;

    public RedisValue Field { get; } = RedisKeyspace.ViewField(view);

    public Known? Current => _current;

    public Known Set(long generation, RedisKeyspace keys)
    {
        var known = _current;
        if (known is not null && known.Generation == generation) return known;
        known = new Known(generation, keys.DataKeyStart(generation));
        _current = known;
        return known;
    }

    public void Forget() => _current = null;

    /// <param name="KeyStart">The data key up to the entity: <c>P:G{</c>.</param>
    internal sealed record Known(long Generation, string KeyStart);
}
