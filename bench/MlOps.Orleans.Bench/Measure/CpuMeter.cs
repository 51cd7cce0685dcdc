using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// CPU time of this client and of the server over a measured window, as cores busy. Client and server share two
/// cores here, so this tells whether a figure is bound by the server, by the load driver, or by neither (waiting on fsync).
/// </summary>
internal sealed class CpuMeter
{
    private readonly Process? _server;
    private readonly IReadOnlyList<Process> _alsoServer;
    private readonly int? _postmaster;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly TimeSpan _clientStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _serverStart;
    private readonly SystemCpu _systemStart = SystemCpu.Read();
    private readonly double _databaseStart;
    private readonly double _kernelThreadsStart = DatabaseCpu.KernelThreadSeconds();

    public CpuMeter(MeasuredProcesses measured)
    {
        _server = measured.Server;
        _alsoServer = measured.AlsoServer ?? [];
        _postmaster = measured.Postmaster;
        _serverStart = ServerCpu();
        _databaseStart = DatabaseCpu.Seconds(_postmaster);
    }

    public CpuUse Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        var client = (Process.GetCurrentProcess().TotalProcessorTime - _clientStart).TotalSeconds / wall;
        double? server = _server is null ? null : (ServerCpu() - _serverStart).TotalSeconds / wall;
        var system = SystemCpu.Read();
        var (busy, ioWait, interrupts) = SystemCpu.Between(_systemStart, system, Machine.Cores);
        var database = (DatabaseCpu.Seconds(_postmaster) - _databaseStart) / wall;
        return new CpuUse(client, server, database, busy, ioWait)
        {
            StealPercent = SystemCpu.StealPercent(_systemStart, system),
            InterruptCores = interrupts,
            KernelThreadCores = (DatabaseCpu.KernelThreadSeconds() - _kernelThreadsStart) / wall,
        };
    }

    private TimeSpan ServerCpu()
    {
        var total = Cpu(_server);
        foreach (var process in _alsoServer) total += Cpu(process);
        return total;
    }

    private static TimeSpan Cpu(Process? process)
    {
        if (process is null) return TimeSpan.Zero;
        process.Refresh();
        return process.TotalProcessorTime;
    }
}
