using System.Diagnostics;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>
/// A real <c>mlflow server</c> started beside ours in the same session, for ratios that mean something: its own
/// temporary folder, a SQLite backend store there (<c>sqlite:///DIR/mlflow.db</c>, MLflow's SqlAlchemyStore, the usual
/// single-machine setup; not the file store) and an artifact folder there, on a free loopback port. Stopped (gunicorn's
/// master first, then the launcher) and its folder deleted on dispose.
/// </summary>
internal sealed class MlflowReferenceServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private readonly StreamWriter _log;
    private bool _logClosed;

    private MlflowReferenceServer(MlflowReferenceSpec spec, string version, string source, string dataDir, Process process, Uri http, StreamWriter log,
        IReadOnlyList<string> arguments)
    {
        Spec = spec;
        Version = version;
        Source = source;
        DataDir = dataDir;
        Process = process;
        Http = http;
        _log = log;
        Arguments = arguments;
    }

    public MlflowReferenceSpec Spec { get; }

    /// <summary><c>mlflow.__version__</c> as the server's own Python imports it.</summary>
    public string Version { get; }

    /// <summary>The <c>SOURCE</c> file of the MLflow home (repository and commit the tree was written out from).</summary>
    public string Source { get; }
    public string DataDir { get; }
    public string Database => Path.Join(DataDir, "mlflow.db");
    public Process Process { get; }
    public Uri Http { get; }
    public IReadOnlyList<string> Arguments { get; }
    public TimeSpan StartupTime { get; private set; }

    public JsonObject ToJson() => new()
    {
        ["server"] = "mlflow server", ["mlflow_version"] = Version, ["source"] = Source, ["backend_store"] = "sqlite:///<temp>/mlflow.db (SqlAlchemyStore)",
        ["artifacts"] = "--artifacts-destination <temp>/artifacts", ["workers"] = Spec.Workers is { } w ? w : "MLflow's default",
        ["arguments"] = new JsonArray(Arguments.Select(a => (JsonNode)a).ToArray()), ["python"] = Spec.Python, ["startup_s"] = Math.Round(StartupTime.TotalSeconds, 1),
    };

    /// <summary>Checks that MLflow imports, starts the server and waits for <c>GET /health</c>; a missing MLflow is a usage error naming the fix.</summary>
    public static async Task<MlflowReferenceServer> StartAsync(MlflowReferenceSpec spec, CancellationToken ct)
    {
        var version = await ImportedVersionAsync(spec, ct);
        var sourceFile = Path.Join(spec.Home, "SOURCE");
        var source = File.Exists(sourceFile) ? (await File.ReadAllTextAsync(sourceFile, ct)).Trim() : "unknown (no SOURCE file)";
        var dataDir = Directory.CreateTempSubdirectory("mlops-bench-mlflow-").FullName;
        var port = FreePort.Take(1)[0];
        var arguments = new List<string>
        {
            "-m", "mlflow", "server", "--backend-store-uri", $"sqlite:///{Path.Join(dataDir, "mlflow.db")}",
            "--artifacts-destination", Path.Join(dataDir, "artifacts"), "--host", "127.0.0.1", "--port", $"{port}",
        };
        if (spec.Workers is { } workers) arguments.AddRange(["--workers", $"{workers}"]);
        arguments.AddRange(spec.ExtraArguments);

        var start = new ProcessStartInfo(spec.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["PYTHONPATH"] = spec.PythonPath;
        // No retries with backoff inside the server's own clients, no colour codes in the log.
        start.Environment["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "1";
        start.Environment["NO_COLOR"] = "1";
        var log = new StreamWriter(Path.Join(dataDir, "server.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {spec.Python}");
        var server = new MlflowReferenceServer(spec, version, source, dataDir, process, new Uri($"http://127.0.0.1:{port}"), log, arguments);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await server.WaitReadyAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        server.StartupTime = stopwatch.Elapsed;
        Console.Error.WriteLine($"# started MLflow {version} pid {process.Id} at {server.Http} in {server.StartupTime.TotalSeconds:0.0} s " +
            $"(backend store sqlite:///{server.Database}; {source})");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            // gunicorn's master (the launcher's child) first: it stops its workers; then the launcher, which waits on it.
            foreach (var child in ProcessTreeCpu.Children(Process.Id)) await SignalAsync(child);
            await SignalAsync(Process.Id);
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
        lock (_log)
        {
            _logClosed = true;
            _log.Dispose();
        }
        Directory.Delete(DataDir, recursive: true);
    }

    private static async Task<string> ImportedVersionAsync(MlflowReferenceSpec spec, CancellationToken ct)
    {
        var hint = $"run bench/scripts/mlflow-reference.sh to prepare {spec.Home}, or point --mlflow-home / $MLOPS_MLFLOW_HOME at a prepared folder";
        if (!Directory.Exists(spec.Tree)) throw new UsageException($"MLflow is not available: no MLflow tree at {spec.Tree}; {hint}");
        var check = new ProcessStartInfo(spec.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "import mlflow.server, mlflow.tracking; print(mlflow.__version__)" }) check.ArgumentList.Add(a);
        check.Environment["PYTHONPATH"] = spec.PythonPath;
        Process process;
        try
        {
            process = Process.Start(check) ?? throw new UsageException($"MLflow is not available: could not start {spec.Python}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UsageException($"MLflow is not available: could not start {spec.Python} ({e.Message}); {hint}");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                var lines = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                throw new UsageException($"MLflow is not available: importing it from {spec.Tree} failed ({string.Join(" / ", lines.TakeLast(2))}); {hint}");
            }
            return (await output).Trim();
        }
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"mlflow server exited with {Process.ExitCode} before answering /health: {LogTail()}");
            try
            {
                using var response = await http.GetAsync(new Uri(Http, "/health"), ct);
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                last = "timed out";
            }
            await Task.Delay(250, ct);
        }
        throw new TimeoutException($"mlflow server did not answer /health within {ReadyTimeout.TotalSeconds:0} s ({last}): {LogTail()}");
    }

    private string LogTail()
    {
        lock (_log)
        {
            if (!_logClosed) _log.Flush();
        }
        var path = Path.Join(DataDir, "server.log");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(" / ", reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    private static async Task SignalAsync(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", $"{pid}"]);
        if (kill is not null) await kill.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (!_logClosed) _log.WriteLine(line);
        }
    }
}
