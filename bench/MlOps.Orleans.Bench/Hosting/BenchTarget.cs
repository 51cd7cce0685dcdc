using System.Diagnostics;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>
/// The server a command measures: an existing one (<c>--target</c>) or one it starts itself (<c>--backend</c>) and stops
/// when the command is done. Holds the server's process when known, for its CPU time.
/// </summary>
internal sealed class BenchTarget : IAsyncDisposable
{
    private readonly ServerProcess? _server;
    private readonly PostgresScratch? _scratch;

    private BenchTarget(Uri grpc, string backend, Process? process, int? postmaster, ServerProcess? server, PostgresScratch? scratch,
        IReadOnlyList<Process>? alsoServer = null)
    {
        Grpc = grpc;
        Backend = backend;
        Process = process;
        Measured = new MeasuredProcesses(process, postmaster, alsoServer);
        _server = server;
        _scratch = scratch;
    }

    public Uri Grpc { get; }
    public string Backend { get; }
    public Process? Process { get; }
    public MeasuredProcesses Measured { get; }
    public TimeSpan? StartupTime => _server?.StartupTime;
    public string? DataDir => _server?.DataDir;
    /// <summary>The started server's HTTP/1.1 endpoint (MLflow REST, /debug/stages); null for a --target server.</summary>
    public Uri? Http => _server?.HttpBase;

    public static async Task<BenchTarget> OpenAsync(TargetSpec spec, CancellationToken ct)
    {
        if (spec.Target is not null)
        {
            var (process, alsoServer) = spec.ServerProcesses();
            return new BenchTarget(new Uri(spec.Target), spec.Backend, process, spec.PostmasterPid > 0 ? spec.PostmasterPid : null, null, null, alsoServer);
        }
        var dll = SiloLocator.Find(spec.SiloDll);
        var scratch = spec.Backend == "postgres" ? await PostgresScratch.CreateAsync(spec.Postgres!, ct) : null;
        try
        {
            var server = await ServerProcess.StartAsync(dll, scratch?.ConnectionString, spec, ct);
            Console.Error.WriteLine($"# started {spec.Backend} server pid {server.Process.Id} at {server.GrpcTarget} in {server.StartupTime.TotalSeconds:0.0} s " +
                $"(data {server.DataDir}{(scratch is null ? "" : $", database {scratch.Database}")})");
            return new BenchTarget(server.GrpcTarget, spec.Backend, server.Process, scratch?.Postmaster, server, scratch);
        }
        catch
        {
            if (scratch is not null) await scratch.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (_scratch is not null) await _scratch.DisposeAsync();
    }
}
