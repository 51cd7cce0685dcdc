using System.Globalization;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// CPU seconds of groups of processes read from <c>/proc/*/stat</c>: one PostgreSQL cluster (its postmaster and every
/// child: backends, WAL writer, checkpointer), so a PostgreSQL-backed figure can say how much of the machine the database
/// took (other clusters on the machine, neighbours' test databases, are not counted); and the kernel's own threads.
/// </summary>
internal static class DatabaseCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>kthreadd's pid: every kernel thread is it or one of its children.</summary>
    private const string KernelThreadParent = "2";

    public static double Seconds(int? postmaster)
    {
        if (postmaster is not { } root) return 0;
        var rootText = root.ToString(CultureInfo.InvariantCulture);
        return Sum((pid, comm, parent) => comm.StartsWith("postgres", StringComparison.Ordinal) && (pid == root || parent == rootText));
    }

    /// <summary>
    /// CPU of kernel threads (jbd2 committing the journal, kworkers writing back pages, ksoftirqd). With fsync per commit
    /// they do the workload's own flushing (0.2–0.5 core with Redis appendfsync always), so window rules charge them like
    /// interrupt time rather than to "others"; a neighbour that makes them work still shows its own CPU as others.
    /// </summary>
    public static double KernelThreadSeconds() => Sum((pid, _, parent) => pid == 2 || parent == KernelThreadParent);

    private static double Sum(Func<int, string, string, bool> include)
    {
        if (!Directory.Exists("/proc")) return 0;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open) continue;
                // After "pid (comm) ": state is field 3, the parent pid field 4, utime and stime fields 14 and 15.
                var fields = stat[(close + 2)..].Split(' ');
                if (!include(pid, stat[(open + 1)..close], fields[1])) continue;
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return ticks / TicksPerSecond;
    }
}
