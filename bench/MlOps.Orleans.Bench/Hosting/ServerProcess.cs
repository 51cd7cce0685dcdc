using System.Diagnostics;
using MlOps.Orleans.Bench.Online;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>
/// A server (<c>dotnet MlOps.Orleans.Silo.dll</c>) on free loopback ports with its own data directory, started and
/// awaited until <c>/health/ready</c> answers, so a measurement never includes startup.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private readonly ServerLog _log;
    private readonly BenchRedisServer? _redis;

    private ServerProcess(Process process, ServerLog log, string dataDir, int httpPort, int grpcPort, BenchRedisServer? redis)
    {
        Process = process;
        _log = log;
        _redis = redis;
        DataDir = dataDir;
        HttpBase = new Uri($"http://127.0.0.1:{httpPort}");
        GrpcTarget = new Uri($"http://127.0.0.1:{grpcPort}");
    }

    public Process Process { get; }
    public string DataDir { get; }
    public Uri HttpBase { get; }
    public Uri GrpcTarget { get; }
    public string LogPath => _log.Path;
    public TimeSpan StartupTime { get; private set; }

    /// <param name="postgres">A connection string for cluster mode on PostgreSQL; null for the embedded SQLite catalog.</param>
    public static async Task<ServerProcess> StartAsync(string siloDll, string? postgres, TargetSpec spec, CancellationToken ct)
    {
        var dataDir = Directory.CreateTempSubdirectory("mlops-bench-").FullName;
        var ports = FreePort.Take(5);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { siloDll, "--data-dir", dataDir, "--http-port", $"{ports[0]}", "--grpc-port", $"{ports[1]}",
                     "--silo-port", $"{ports[2]}", "--gateway-port", $"{ports[3]}",
                     "--observability-port", $"{ports[4]}" })
            start.ArgumentList.Add(arg);
        BenchRedisServer? redis = null;
        if (postgres is not null)
        {
            foreach (var arg in new[] { "--mode", "Cluster", "--postgres", postgres }) start.ArgumentList.Add(arg);
            // A cluster silo needs a shared online store; a command that does not bring its own gets a private, idle Redis.
            if (!spec.ServerEnvironment.ContainsKey("Mlops__Online__Redis"))
            {
                redis = await BenchRedisServer.StartAsync("off", ct);
                foreach (var arg in new[] { "--redis", redis.Endpoint }) start.ArgumentList.Add(arg);
            }
        }
        // The server's own launch settings must not leak in from the caller's shell.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (spec.PerfMap)
        {
            start.Environment["DOTNET_PerfMapEnabled"] = "1";
            // With W^X on, JIT code runs from a memfd mapping that perf cannot match to the map file.
            start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }
        foreach (var (name, value) in spec.ServerEnvironment) start.Environment[name] = value;

        var log = new ServerLog(Path.Combine(dataDir, "server.log"));
        var stopwatch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        }
        catch
        {
            redis?.Dispose();
            throw;
        }
        process.OutputDataReceived += (_, e) => log.Write(e.Data);
        process.ErrorDataReceived += (_, e) => log.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, dataDir, ports[0], ports[1], redis);
        try
        {
            await server.WaitReadyAsync(ct);
        }
        catch
        {
            await server.DisposeAsync(keepData: true);
            throw;
        }
        server.StartupTime = stopwatch.Elapsed;
        return server;
    }

    public ValueTask DisposeAsync() => DisposeAsync(keepData: false);

    /// <summary>SIGTERM for a clean Orleans shutdown, SIGKILL if that takes longer than 15 s.</summary>
    public async ValueTask DisposeAsync(bool keepData)
    {
        if (!Process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", $"{Process.Id}"])) await kill!.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await Process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
        }
        Process.Dispose();
        _redis?.Dispose();
        _log.Dispose();
        if (!keepData) Directory.Delete(DataDir, recursive: true);
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"the server exited with code {Process.ExitCode} before it was ready; log {LogPath}:\n{_log.Tail()}");
            try
            {
                using var response = await http.GetAsync(new Uri(HttpBase, "/health/ready"), ct);
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}";
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                last = e.Message;
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"the server was not ready after {ReadyTimeout.TotalSeconds:0} s (last answer: {last}); log {LogPath}:\n{_log.Tail()}");
    }
}
