using System.Diagnostics;
using MlOps.Orleans.Bench.Hosting;

namespace MlOps.Orleans.Bench.Materialization;

/// <summary>
/// An embedded-mode server (<c>dotnet MlOps.Orleans.Silo.dll</c>) whose online store is the given Redis and whose <c>file:</c>
/// sources may read <see cref="SourceRoot"/>; its Orleans gateway port is known so the bench can call grains as a client.
/// Killed (by its own process id) and its data folder deleted when disposed.
/// </summary>
internal sealed class MaterializationServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ServerLog _log;

    private MaterializationServer(Process process, ServerLog log, string dataDir, int[] ports)
    {
        _process = process;
        _log = log;
        DataDir = dataDir;
        HttpBase = new Uri($"http://127.0.0.1:{ports[0]}");
        GrpcTarget = new Uri($"http://127.0.0.1:{ports[1]}");
        GatewayPort = ports[3];
    }

    public string DataDir { get; }

    public string SourceRoot => Path.Combine(DataDir, "sources");

    public Uri HttpBase { get; }

    public Uri GrpcTarget { get; }

    public int GatewayPort { get; }

    public int ProcessId => _process.Id;

    public static async Task<MaterializationServer> StartAsync(string siloDll, string redisEndpoint, CancellationToken ct)
    {
        var dataDir = Directory.CreateTempSubdirectory("mlops-bench-mat-").FullName;
        Directory.CreateDirectory(Path.Combine(dataDir, "sources"));
        var ports = FreePort.Take(5);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dataDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { siloDll, "--data-dir", dataDir, "--http-port", $"{ports[0]}", "--grpc-port", $"{ports[1]}",
                     "--silo-port", $"{ports[2]}", "--gateway-port", $"{ports[3]}",
                     "--observability-port", $"{ports[4]}" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Mlops__Online__Redis"] = redisEndpoint;
        start.Environment["Mlops__Features__SourceRoots__0"] = Path.Combine(dataDir, "sources");
        var log = new ServerLog(Path.Combine(dataDir, "server.log"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => log.Write(e.Data);
        process.ErrorDataReceived += (_, e) => log.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MaterializationServer(process, log, dataDir, ports);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited before it was ready:\n{log.Tail()}");
            if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"the server was not ready in 90 s:\n{log.Tail()}");
            try
            {
                using var response = await http.GetAsync(new Uri(server.HttpBase, "/health/ready"), ct);
                if (response.IsSuccessStatusCode) return server;
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // Not listening yet.
            }
            await Task.Delay(100, ct);
        }
    }

    public string LogTail() => _log.Tail();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _log.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder: best effort.
        }
    }
}
