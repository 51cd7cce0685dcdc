using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Grpc.Net.Client;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>Which entry assembly a child process runs.</summary>
public enum PlatformApp
{
    Silo,
    Gateway,
}

/// <summary>
/// One MlOps process (<c>dotnet MlOps.Orleans.Silo.dll</c> or the gateway) started from the built output, with its output
/// captured for assertion messages. <see cref="Kill"/> is SIGKILL; every process still running when the test host exits is killed.
/// </summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;
    private readonly OutputLog _output = new();
    private readonly string _commandLine;

    static PlatformProcess()
    {
        // Last line of defence when a test run is aborted: never leave platform processes behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values) TryKill(process);
        };
    }

    private PlatformProcess(string name, PlatformApp app, PlatformPorts ports, ProcessStartInfo start)
    {
        Name = name;
        App = app;
        Ports = ports;
        _commandLine = $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => _output.Append("out", e.Data);
        _process.ErrorDataReceived += (_, e) => _output.Append("err", e.Data);
    }

    public string Name { get; }

    public PlatformApp App { get; }

    public PlatformPorts Ports { get; }

    public Uri HttpAddress => new($"http://127.0.0.1:{Ports.Http}/");

    public Uri GrpcAddress => new($"http://127.0.0.1:{Ports.Grpc}/");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => _output.ToString();

    /// <summary>Starts the process and waits until <c>/health/ready</c> answers Healthy; kills it and throws with its output otherwise.</summary>
    public static async Task<PlatformProcess> StartAsync(PlatformApp app, string name, PlatformPorts ports, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment, string workingDirectory, TimeSpan? readyTimeout = null, CancellationToken ct = default)
    {
        var process = Start(app, name, ports, arguments, environment, workingDirectory);
        try
        {
            await process.WaitUntilReadyAsync(readyTimeout ?? DefaultReadyTimeout, ct);
            return process;
        }
        catch
        {
            process.Kill();
            throw;
        }
    }

    /// <summary>Starts the process without waiting for it; the caller owns it from here, ready or not.</summary>
    public static PlatformProcess Start(PlatformApp app, string name, PlatformPorts ports, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app == PlatformApp.Silo ? PlatformBinaries.Silo : PlatformBinaries.Gateway);
        foreach (var (option, port) in new[] { ("--http-port", ports.Http), ("--grpc-port", ports.Grpc), ("--silo-port", ports.Silo), ("--gateway-port", ports.Gateway),
                     ("--observability-port", ports.Observability) })
        {
            start.ArgumentList.Add(option);
            start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = new PlatformProcess(name, app, ports, start);
        process._output.Append("test", $"starting {name}: {process._commandLine}");
        process._process.Start();
        Running[process._process.Id] = process._process;
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(3) };
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready.\n{Describe()}");
            try
            {
                string? foreign = null;
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                // Healthy from someone else's listener on a port that was free a moment ago proves nothing about this process.
                if (response.StatusCode == HttpStatusCode.OK && body == "Healthy" && OwnsListeners(out foreign))
                {
                    _output.Append("test", $"{Name} ready after {clock.Elapsed.TotalSeconds:F1} s");
                    return;
                }
                last = foreign is null ? $"{(int)response.StatusCode} {body}" : $"{(int)response.StatusCode} {body} from another process: {foreign}";
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                last = e.Message;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
        throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:F0} s (last /health/ready answer: {last}).\n{Describe()}");
    }

    /// <summary>Whether this process holds the listening sockets of its HTTP and gRPC ports (Linux /proc; assumed elsewhere).</summary>
    private bool OwnsListeners(out string? foreign)
    {
        foreign = null;
        if (!OperatingSystem.IsLinux()) return true;
        var inodes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st ... inode: "0100007F:1F90 ... 0A" is a listener on 127.0.0.1:8080.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A") continue;
                var port = int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (port == Ports.Http || port == Ports.Grpc) inodes[fields[9]] = port;
            }
        }
        var owned = new HashSet<int>();
        try
        {
            foreach (var fd in Directory.EnumerateFiles($"/proc/{_process.Id}/fd"))
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal) &&
                    inodes.TryGetValue(target["socket:[".Length..^1], out var port))
                    owned.Add(port);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // exiting, or an fd closed while listing: ask again on the next poll
        }
        if (owned.Contains(Ports.Http) && owned.Contains(Ports.Grpc)) return true;
        foreign = $"pid {_process.Id} does not listen on {string.Join(" and ", new[] { Ports.Http, Ports.Grpc }.Where(p => !owned.Contains(p)).Select(p => $":{p}"))}";
        return false;
    }

    /// <summary>Waits until the process exits by itself (a refused start); its exit code, or a timeout with its output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} still runs after {timeout.TotalSeconds:F0} s.\n{Describe()}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, now: nothing in the process gets to flush or finish a request. Waits until the process is gone.</summary>
    public void Kill()
    {
        TryKill(_process);
        _output.Append("test", $"{Name} killed (SIGKILL)");
    }

    /// <summary>SIGTERM and wait for a graceful exit; SIGKILL when <paramref name="timeout"/> passes first.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return;
        using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            if (term is not null) await term.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _output.Append("test", $"{Name} stopped with exit code {_process.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });

    /// <summary>Name, command line, state and captured output: what an assertion message needs.</summary>
    public string Describe() =>
        $"===== {Name} (pid {_process.Id}, {(_process.HasExited ? $"exited {_process.ExitCode}" : "running")}) =====\n{_commandLine}\n{_output}";

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone or never started.
        }
        finally
        {
            try
            {
                Running.TryRemove(process.Id, out _);
            }
            catch (InvalidOperationException)
            {
                // No id: never started.
            }
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
