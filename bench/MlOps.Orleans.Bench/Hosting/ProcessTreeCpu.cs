using System.Diagnostics;
using System.Globalization;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>
/// CPU time of a process and all its descendants, from <c>/proc</c>, as cores busy over a window. A real MLflow server is
/// a Python launcher whose child is gunicorn's master whose children are the workers doing the work: the launcher's own
/// CPU time (what <see cref="Process.TotalProcessorTime"/> gives) would miss nearly all of it. Children that ended and
/// were waited for count through their parent's cutime and cstime: Redis forks its AOF rewrite, which ends within a
/// window, and its work was counted as other processes', voiding materialization reps.
/// </summary>
internal sealed class ProcessTreeCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly int _root;
    private readonly double _startSeconds;
    private readonly long _started = Stopwatch.GetTimestamp();

    public ProcessTreeCpu(int root)
    {
        _root = root;
        _startSeconds = Seconds(root);
    }

    /// <summary>Average busy cores of the tree since construction; 0 when the root itself ended (nothing left to charge).</summary>
    public double Stop() => Math.Max(0, Seconds(_root) - _startSeconds) / Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>utime + stime of the root and every process descending from it, with the times of their waited-for children, in seconds.</summary>
    public static double Seconds(int root)
    {
        if (!Directory.Exists("/proc")) return 0;
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // After "pid (comm) " (comm may hold spaces and parentheses): state is field 3, the parent pid field 4,
                // utime and stime fields 14 and 15, cutime and cstime (children waited for) 16 and 17.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[pid] = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        long total = 0;
        foreach (var (pid, own) in ticks)
        {
            if (InTree(pid, root, parents)) total += own;
        }
        return total / TicksPerSecond;
    }

    /// <summary>The pids whose parent is <paramref name="parent"/>.</summary>
    public static IReadOnlyList<int> Children(int parent)
    {
        var children = new List<int>();
        if (!Directory.Exists("/proc")) return children;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent) children.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }

    private static bool InTree(int pid, int root, Dictionary<int, int> parents)
    {
        // Walk up at most a few dozen levels: pid 1 (or 0) ends every chain.
        for (var depth = 0; depth < 64; depth++)
        {
            if (pid == root) return true;
            if (pid <= 1 || !parents.TryGetValue(pid, out var parent)) return false;
            pid = parent;
        }
        return false;
    }
}
