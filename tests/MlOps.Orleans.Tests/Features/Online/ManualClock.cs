namespace MlOps.Orleans.Tests.Features.Online;

/// <summary>Real time plus an offset the test moves, for expiry without waiting.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
