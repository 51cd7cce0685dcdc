using System.Diagnostics;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// CPU time of one more process over a window, as cores busy: Azurite here, which <see cref="Measure.CpuMeter"/> would
/// otherwise count as "other". Null when the process is unknown or gone.
/// </summary>
internal sealed class ProcessCpu
{
    private readonly Process? _process;
    private readonly TimeSpan _start;
    private readonly long _started = Stopwatch.GetTimestamp();

    public ProcessCpu(int? pid)
    {
        _process = Open(pid);
        _start = Read(_process) ?? TimeSpan.Zero;
    }

    public double? Stop()
    {
        var end = Read(_process);
        return end is { } e ? Math.Round((e - _start).TotalSeconds / Stopwatch.GetElapsedTime(_started).TotalSeconds, 2) : null;
    }

    private static Process? Open(int? pid)
    {
        if (pid is not { } p) return null;
        try
        {
            return Process.GetProcessById(p);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static TimeSpan? Read(Process? process)
    {
        if (process is null) return null;
        try
        {
            process.Refresh();
            return process.HasExited ? null : process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
