using System.Globalization;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// CPU time of one PostgreSQL cluster (its postmaster and every child: backends, WAL writer, checkpointer) from
/// <c>/proc</c>, so a PostgreSQL-backed figure can say how much of the machine the database itself took. Other clusters
/// on the machine (neighbours' test databases) are not counted.
/// </summary>
internal static class DatabaseCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static double Seconds(int? postmaster)
    {
        if (postmaster is not { } root || !Directory.Exists("/proc")) return 0;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (close < 0 || !stat.AsSpan(0, close).Contains("(postgres", StringComparison.Ordinal)) continue;
                // After "pid (comm) ": state is field 3, the parent pid field 4, utime and stime fields 14 and 15.
                var fields = stat[(close + 2)..].Split(' ');
                if (pid != root && fields[1] != root.ToString(CultureInfo.InvariantCulture)) continue;
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
