using System.Diagnostics;
using MlOps.Orleans.Bench.Cli;
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

    private BenchTarget(Uri grpc, string backend, Process? process, int? postmaster, ServerProcess? server, PostgresScratch? scratch)
    {
        Grpc = grpc;
        Backend = backend;
        Process = process;
        Measured = new MeasuredProcesses(process, postmaster);
        _server = server;
        _scratch = scratch;
    }

    public Uri Grpc { get; }
    public string Backend { get; }
    public Process? Process { get; }
    public MeasuredProcesses Measured { get; }
    public TimeSpan? StartupTime => _server?.StartupTime;
    public string? DataDir => _server?.DataDir;

    /// <summary>Reads the target options; call before <see cref="Options.RejectUnknown"/>.</summary>
    public static TargetSpec ReadSpec(Options options)
    {
        var target = options.String("target");
        var backend = options.String("backend");
        var postgres = options.String("postgres") ?? Environment.GetEnvironmentVariable("MLOPS_BENCH_POSTGRES");
        var silo = options.String("silo-dll");
        var pid = options.Int("server-pid", 0);
        var postmaster = options.Int("postmaster-pid", 0);
        var perfMap = options.Flag("perf-map");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (options.String("server-env") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"--server-env wants NAME=VALUE;NAME=VALUE, not '{pair}'");
            environment[pair[..eq]] = pair[(eq + 1)..];
        }
        if (target is not null && !Uri.TryCreate(target, UriKind.Absolute, out _)) throw new UsageException($"--target '{target}' is not a URL");
        backend ??= target is null ? "sqlite" : "external";
        if (target is null && backend is not ("sqlite" or "postgres")) throw new UsageException($"--backend must be sqlite or postgres, not '{backend}'");
        if (target is null && backend == "postgres" && string.IsNullOrEmpty(postgres))
            throw new UsageException("--backend postgres needs --postgres \"Host=127.0.0.1;Port=P;Username=postgres;Database=postgres\" (or MLOPS_BENCH_POSTGRES)");
        return new TargetSpec(target, backend, postgres, silo, pid, postmaster, perfMap, environment);
    }

    public static async Task<BenchTarget> OpenAsync(TargetSpec spec, CancellationToken ct)
    {
        if (spec.Target is not null)
            return new BenchTarget(new Uri(spec.Target), spec.Backend, spec.ServerPid > 0 ? Process.GetProcessById(spec.ServerPid) : null,
                spec.PostmasterPid > 0 ? spec.PostmasterPid : null, null, null);
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
