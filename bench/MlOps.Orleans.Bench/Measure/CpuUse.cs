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

    /// <summary>Kernel threads' cores over the window (jbd2, kworkers: the workload's own flushing), see <see cref="DatabaseCpu.KernelThreadSeconds"/>.</summary>
    public double KernelThreadCores { get; init; }

    public JsonObject ToJson() => new()
    {
        ["client_cores"] = Math.Round(ClientCores, 2), ["server_cores"] = ServerCores is { } s ? Math.Round(s, 2) : null,
        ["database_cores"] = Math.Round(DatabaseCores, 2),
        ["machine_busy_cores"] = Round(MachineCores), ["iowait_cores"] = Round(IoWaitCores), ["other_cores"] = OtherCores is { } o ? Round(o) : null,
        ["interrupt_cores"] = Round(InterruptCores), ["kernel_thread_cores"] = Round(KernelThreadCores),
        ["steal_pct"] = Round(StealPercent),
    };

    /// <summary>Busy cores of every other process: a neighbour spoiling the figure. Interrupt time and kernel threads are
    /// left out: they are the kernel carrying the measured processes' own loopback traffic and flushing their own writes,
    /// not a neighbour (until 2026-12-03 interrupts were counted, and discarded 2–4 windows of every quiet run at 2,000
    /// calls/s; until 2026-12-04 kernel threads were, and voided every materialization run with Redis fsync per write).</summary>
    public double? OtherCores => ServerCores is { } s
        ? Math.Max(0, MachineCores - ClientCores - s - DatabaseCores - Finite(InterruptCores) - Finite(KernelThreadCores))
        : null;

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"cpu client={ClientCores:0.00} server={(ServerCores is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "?")} db={DatabaseCores:0.00} other={OtherCores:0.00} irq={InterruptCores:0.00} kthreads={KernelThreadCores:0.00} iowait={IoWaitCores:0.00} cores steal={StealPercent:0.0}%");

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;
}
