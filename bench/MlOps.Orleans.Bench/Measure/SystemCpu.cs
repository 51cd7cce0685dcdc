using System.Globalization;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Machine-wide CPU ticks from <c>/proc/stat</c>: busy cores beyond client and server are the database (PostgreSQL)
/// and the kernel; iowait shows a load bound by fsync rather than by CPU.
/// </summary>
internal readonly record struct SystemCpu(long Busy, long IoWait, long Total)
{
    public static SystemCpu Read()
    {
        if (!File.Exists("/proc/stat")) return default;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal ...
        var idle = fields[3];
        var iowait = fields[4];
        var total = fields.Take(8).Sum();
        return new SystemCpu(total - idle - iowait, iowait, total);
    }

    /// <summary>(busy cores, iowait cores) between two readings.</summary>
    public static (double Busy, double IoWait) Between(SystemCpu start, SystemCpu end, int cores)
    {
        var total = end.Total - start.Total;
        if (total <= 0) return (double.NaN, double.NaN);
        return ((double)(end.Busy - start.Busy) / total * cores, (double)(end.IoWait - start.IoWait) / total * cores);
    }
}
