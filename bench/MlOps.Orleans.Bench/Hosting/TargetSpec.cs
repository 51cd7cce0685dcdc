using System.Diagnostics;
using MlOps.Orleans.Bench.Cli;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>Which server to measure: <see cref="Target"/> when it already runs, else one started on <see cref="Backend"/>.</summary>
/// <param name="PerfMap">Have the started server write /tmp/perf-PID.map, so <c>perf record -p PID</c> can name JIT-compiled frames.</param>
/// <param name="ServerEnvironment">Extra environment for the started server, for A/B runs of runtime settings.</param>
/// <param name="ServerPids">The <c>--target</c> server's processes (<c>--server-pid PID[,PID...]</c>): the first is the one
/// answering the calls, the others are charged to it too (the silos behind a standalone gateway).</param>
internal sealed record TargetSpec(string? Target, string Backend, string? Postgres, string? SiloDll, IReadOnlyList<int> ServerPids, int PostmasterPid,
    bool PerfMap, IReadOnlyDictionary<string, string> ServerEnvironment)
{
    /// <summary>The processes of <see cref="ServerPids"/>: the server, and the ones charged to it with it.</summary>
    public (Process? Server, IReadOnlyList<Process> AlsoServer) ServerProcesses() =>
        ServerPids.Count == 0 ? (null, []) : (Process.GetProcessById(ServerPids[0]), ServerPids.Skip(1).Select(Process.GetProcessById).ToList());

    /// <summary>Reads the target options; call before <see cref="Options.RejectUnknown"/>.</summary>
    public static TargetSpec Read(Options options)
    {
        var target = options.String("target");
        var backend = options.String("backend");
        var postgres = options.String("postgres") ?? Environment.GetEnvironmentVariable("MLOPS_BENCH_POSTGRES");
        var silo = options.String("silo-dll");
        var pids = (options.String("server-pid") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid > 0
                ? pid : throw new UsageException($"--server-pid wants PID[,PID...], not '{p}'"))
            .ToList();
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
        return new TargetSpec(target, backend, postgres, silo, pids, postmaster, perfMap, environment);
    }
}

