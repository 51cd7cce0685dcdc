using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Average cores busy over a window. The server's is null when its process is unknown (<c>--target</c> without
/// <c>--server-pid</c>); <see cref="DatabaseCores"/> is every local PostgreSQL process; <see cref="MachineCores"/> counts
/// every process, so what the three leave is the kernel's own threads or a neighbour spoiling the figure.
/// </summary>
internal sealed record CpuUse(double ClientCores, double? ServerCores, double DatabaseCores, double MachineCores, double IoWaitCores)
{
    /// <summary>Share of CPU time the hypervisor gave to other guests over the window, in percent (NaN when unknown).</summary>
    public double StealPercent { get; init; } = double.NaN;

    /// <summary>irq + softirq cores over the window, charged to no process (0 when unknown): see <see cref="SystemCpu"/>.</summary>
    public double InterruptCores { get; init; }

    public JsonObject ToJson() => new()
    {
        ["client_cores"] = Math.Round(ClientCores, 2), ["server_cores"] = ServerCores is { } s ? Math.Round(s, 2) : null,
        ["database_cores"] = Math.Round(DatabaseCores, 2),
        ["machine_busy_cores"] = Round(MachineCores), ["iowait_cores"] = Round(IoWaitCores), ["other_cores"] = OtherCores is { } o ? Round(o) : null,
        ["interrupt_cores"] = Round(InterruptCores),
        ["steal_pct"] = Round(StealPercent),
    };

    /// <summary>Busy cores of every other process: the kernel's flusher threads, or a neighbour spoiling the figure. Interrupt
    /// time is left out: it is the kernel carrying the measured processes' own loopback traffic, not a neighbour (until
    /// 2026-12-03 it was counted, and discarded 2–4 windows of every quiet run at 2,000 calls/s).</summary>
    public double? OtherCores => ServerCores is { } s
        ? Math.Max(0, MachineCores - ClientCores - s - DatabaseCores - (double.IsFinite(InterruptCores) ? InterruptCores : 0))
        : null;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"cpu client={ClientCores:0.00} server={(ServerCores is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "?")} db={DatabaseCores:0.00} other={OtherCores:0.00} irq={InterruptCores:0.00} iowait={IoWaitCores:0.00} cores steal={StealPercent:0.0}%");

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;
}
