namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>
/// A clock standing at <paramref name="start"/> until the test moves it, for expiry without waiting. Not real time plus an
/// offset: rows stamped with <see cref="OnlineTestViews.Now"/> (taken once per run) would age with every second the machine
/// spends on other tests before this one, and a loaded machine made "30 s before expiry" already expired.
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
