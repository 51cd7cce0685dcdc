using System.Globalization;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Machine-wide CPU ticks from the first (aggregate) line of <c>/proc/stat</c>: busy cores beyond client and server are the
/// database (PostgreSQL) and the kernel; iowait shows a load bound by fsync rather than by CPU; steal is time the
/// hypervisor gave our virtual CPUs to another guest, during which nothing of ours ran however ready it was. Interrupts
/// (irq + softirq) are busy time charged to no process: on this loopback-only VM mostly the network stack carrying the
/// workload's own packets (0.1–0.3 core at 2,000 calls/s), which is why window rules keep them apart from "others".
/// </summary>
internal readonly record struct SystemCpu(long Busy, long IoWait, long Steal, long Total, long Interrupts = 0)
{
    public static SystemCpu Read() => File.Exists("/proc/stat") ? Parse(File.ReadLines("/proc/stat").First()) : default;

    /// <summary>Parses the aggregate line, "cpu  user nice system idle iowait irq softirq steal guest guest_nice".</summary>
    public static SystemCpu Parse(string cpuLine)
    {
        var parts = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 5 || parts[0] != "cpu") throw new FormatException($"not the aggregate cpu line of /proc/stat: '{cpuLine}'");
        var fields = parts.Skip(1).Select(f => long.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        long At(int i) => i < fields.Length ? fields[i] : 0;
        var idle = At(3);
        var iowait = At(4);
        // Field 8 of the line (index 7 after "cpu"). Guest time (8, 9) is already counted in user and nice, so it stays out.
        var steal = At(7);
        var total = fields.Take(8).Sum();
        // Stolen ticks are not work of any process here: counting them as busy would blame a neighbour VM on "other processes".
        return new SystemCpu(total - idle - iowait - steal, iowait, steal, total, At(5) + At(6));
    }

    /// <summary>(busy cores, iowait cores, interrupt cores) between two readings; busy includes the interrupts.</summary>
    public static (double Busy, double IoWait, double Interrupts) Between(SystemCpu start, SystemCpu end, int cores)
    {
        var total = end.Total - start.Total;
        if (total <= 0) return (double.NaN, double.NaN, double.NaN);
        double Cores(long ticks) => (double)ticks / total * cores;
        return (Cores(end.Busy - start.Busy), Cores(end.IoWait - start.IoWait), Cores(end.Interrupts - start.Interrupts));
    }

    /// <summary>Stolen share of all CPU time between two readings, in percent (what <c>top</c> shows as "st").</summary>
    public static double StealPercent(SystemCpu start, SystemCpu end)
    {
        var total = end.Total - start.Total;
        return total <= 0 ? double.NaN : 100.0 * (end.Steal - start.Steal) / total;
    }
}
