using MlOps.Orleans.Catalog.Sqlite;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Catalog;

[Trait("Category", Category.Unit)]
public sealed class SqliteReadGateTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Closing_waits_for_the_reader_in_flight_and_holds_new_ones_until_opened()
    {
        var gate = new SqliteReadGate();
        await gate.EnterAsync(default);
        var closing = gate.CloseAsync(Deadline, default);
        Assert.False(closing.IsCompleted);

        var late = gate.EnterAsync(default);
        gate.Exit();
        Assert.True(await closing.WaitAsync(Deadline));
        Assert.False(late.IsCompleted);

        gate.Open();
        await late.WaitAsync(Deadline);
        // The late reader now counts: the next close waits for it.
        var next = gate.CloseAsync(Deadline, default);
        Assert.False(next.IsCompleted);
        gate.Exit();
        Assert.True(await next.WaitAsync(Deadline));
        gate.Open();
    }

    [Fact]
    public async Task A_reader_that_outlasts_the_timeout_gives_the_moment_up_and_the_gate_opens_again()
    {
        var gate = new SqliteReadGate();
        await gate.EnterAsync(default);
        Assert.False(await gate.CloseAsync(TimeSpan.FromMilliseconds(20), default));
        await gate.EnterAsync(default).WaitAsync(Deadline);
        gate.Exit();
        gate.Exit();
        Assert.True(await gate.CloseAsync(TimeSpan.FromMilliseconds(20), default));
        gate.Open();
    }

    [Fact]
    public async Task A_cancelled_wait_at_a_closed_gate_ends_without_counting()
    {
        var gate = new SqliteReadGate();
        Assert.True(await gate.CloseAsync(Deadline, default));
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Open();
        // Nobody is counted, so closing again completes at once.
        Assert.True(await gate.CloseAsync(TimeSpan.Zero, default));
        gate.Open();
    }
}
