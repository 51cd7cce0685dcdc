using System.Diagnostics;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// The server a workload of the artifact, registry and MLflow families measures. Like <see cref="BenchTarget"/>, but it
/// also knows the HTTP/1.1 port (MLflow REST lives there, gRPC has its own HTTP/2-only port) and can start the server
/// on a chosen artifact backend.
/// </summary>
internal sealed class PlatformTarget : IAsyncDisposable
{
    private readonly ServerProcess? _server;
    private readonly PostgresScratch? _scratch;

    private PlatformTarget(Uri grpc, Uri? http, string backend, string artifacts, Process? process, int? postmaster, ServerProcess? server,
        PostgresScratch? scratch, IReadOnlyList<Process>? alsoServer = null)
    {
        Grpc = grpc;
        Http = http;
        Backend = backend;
        Artifacts = artifacts;
        Process = process;
        Measured = new MeasuredProcesses(process, postmaster, alsoServer);
        _server = server;
        _scratch = scratch;
    }

    public Uri Grpc { get; }

    /// <summary>The HTTP/1.1 endpoint (MLflow REST, health); null for a <c>--target</c> given without <c>--http</c>.</summary>
    public Uri? Http { get; }
    public string Backend { get; }

    /// <summary>The artifact backend: <c>local</c>, <c>azureblob</c>, or <c>external</c> (whatever a <c>--target</c> runs).</summary>
    public string Artifacts { get; }
    public Process? Process { get; }
    public MeasuredProcesses Measured { get; }
    public string? DataDir => _server?.DataDir;

    /// <param name="http">The HTTP endpoint of a <c>--target</c> server (ignored when this starts the server).</param>
    /// <param name="store">The artifact backend of a started server; null keeps the server's default (local).</param>
    public static async Task<PlatformTarget> OpenAsync(TargetSpec spec, string? http, ArtifactStoreChoice? store, CancellationToken ct)
    {
        if (spec.Target is not null)
        {
            if (http is not null && !Uri.TryCreate(http, UriKind.Absolute, out _)) throw new UsageException($"--http '{http}' is not a URL");
            var (process, alsoServer) = spec.ServerProcesses();
            return new PlatformTarget(new Uri(spec.Target), http is null ? null : new Uri(http), spec.Backend, "external",
                process, spec.PostmasterPid > 0 ? spec.PostmasterPid : null, null, null, alsoServer);
        }
        var environment = new Dictionary<string, string>(spec.ServerEnvironment, StringComparer.Ordinal);
        foreach (var (name, value) in store?.ServerEnvironment ?? new Dictionary<string, string>()) environment[name] = value;
        var dll = SiloLocator.Find(spec.SiloDll);
        var scratch = spec.Backend == "postgres" ? await PostgresScratch.CreateAsync(spec.Postgres!, ct) : null;
        try
        {
            var server = await ServerProcess.StartAsync(dll, scratch?.ConnectionString, spec with { ServerEnvironment = environment }, ct);
            var artifacts = store?.Name ?? ArtifactStoreChoice.Local;
            Console.Error.WriteLine($"# started {spec.Backend} server (artifacts {artifacts}) pid {server.Process.Id} at grpc {server.GrpcTarget} " +
                $"http {server.HttpBase} in {server.StartupTime.TotalSeconds:0.0} s (data {server.DataDir})");
            return new PlatformTarget(server.GrpcTarget, server.HttpBase, spec.Backend, artifacts, server.Process, scratch?.Postmaster, server, scratch);
        }
        catch
        {
            if (scratch is not null) await scratch.DisposeAsync();
            throw;
        }
    }

    /// <summary>The HTTP endpoint, or a usage error naming the option that would give it.</summary>
    public Uri RequireHttp() =>
        Http ?? throw new UsageException("with --target, MLflow workloads also need --http http://127.0.0.1:P (the server's HTTP/1.1 port)");

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (_scratch is not null) await _scratch.DisposeAsync();
    }
}
