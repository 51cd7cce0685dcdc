using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>
/// Everything one test (or fixture) starts: platform processes, temp folders, PostgreSQL databases. Disposing kills every
/// process first, whatever state the test left them in, then removes the rest.
/// </summary>
public sealed class ProcessScope : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<PlatformProcess> _processes = [];
    private readonly List<Func<Task>> _cleanups = [];
    private readonly List<string> _timeline = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ITestOutputHelper? _output;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-process-tests", Guid.NewGuid().ToString("N")[..12]);

    /// <param name="output">Where the timeline (starts, readiness, kills, test phases) goes; the test's own output.</param>
    public ProcessScope(ITestOutputHelper? output = null)
    {
        _output = output;
        Directory.CreateDirectory(_root);
    }

    /// <summary>Every line logged so far (a fixture's scope has no test output of its own).</summary>
    public string Timeline
    {
        get
        {
            lock (_gate) return string.Join('\n', _timeline);
        }
    }

    /// <summary>One line of the test's timeline, with the seconds since the scope began.</summary>
    public void Log(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:F1} s] {message}";
        lock (_gate) _timeline.Add(line);
        try
        {
            _output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished (a fixture outliving it): the timeline is only a convenience.
        }
    }

    public string CreateDirectory(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    /// <summary>A fresh database, dropped with the scope; no PostgreSQL fails the test, or skips it (see <see cref="ProcessPostgres"/>).</summary>
    public async Task<string> CreatePostgresDatabaseAsync()
    {
        var admin = ProcessPostgres.AdminConnectionString;
        var (name, connectionString) = await ProcessPostgres.CreateDatabaseAsync(admin);
        lock (_gate) _cleanups.Add(() => ProcessPostgres.DropDatabaseAsync(admin, name));
        return connectionString;
    }

    /// <summary>One process with the silo and the endpoints, catalog in SQLite under <paramref name="dataDir"/>.</summary>
    public Task<PlatformProcess> StartEmbeddedAsync(string name, string dataDir, PlatformPorts ports) =>
        StartAsync(PlatformApp.Silo, name, ports, ["--data-dir", dataDir], null);

    /// <summary>A cluster-mode silo sharing <paramref name="postgres"/>, serving the endpoints on its own ports.</summary>
    public Task<PlatformProcess> StartClusterSiloAsync(string name, string postgres, string clusterId, PlatformPorts ports) =>
        StartAsync(PlatformApp.Silo, name, ports, ["--mode", "Cluster", "--postgres", postgres], ClusterEnvironment(clusterId));

    /// <summary>A standalone gateway (an Orleans client) in front of the silos of <paramref name="clusterId"/>.</summary>
    public Task<PlatformProcess> StartGatewayAsync(string name, string postgres, string clusterId, PlatformPorts ports) =>
        StartAsync(PlatformApp.Gateway, name, ports, ["--mode", "Cluster", "--postgres", postgres], ClusterEnvironment(clusterId));

    public async Task<PlatformProcess> StartAsync(PlatformApp app, string name, PlatformPorts ports, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment)
    {
        var workingDirectory = CreateDirectory("cwd-" + name);
        var process = PlatformProcess.Start(app, name, ports, arguments, environment, workingDirectory);
        lock (_gate) _processes.Add(process);
        Log($"started {name} (pid {process.Id}, http :{ports.Http}, grpc :{ports.Grpc}, silo :{ports.Silo}, gateway :{ports.Gateway})");
        var started = _clock.Elapsed;
        await process.WaitUntilReadyAsync(PlatformProcess.DefaultReadyTimeout);
        Log($"{name} ready after {(_clock.Elapsed - started).TotalSeconds:F1} s");
        return process;
    }

    /// <summary>Runs a test body; any failure, assertion or not, is reported with every process's output appended.</summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception e) when (e is not SkipException)
        {
            throw new Xunit.Sdk.XunitException($"{e}\n\n----- platform processes -----\n{Diagnostics()}");
        }
    }

    /// <summary>Every process's state and output, for assertion messages.</summary>
    public string Diagnostics()
    {
        List<PlatformProcess> processes;
        lock (_gate) processes = [.. _processes];
        var text = new StringBuilder("----- timeline -----\n").AppendLine(Timeline);
        foreach (var p in processes) text.AppendLine(p.Describe());
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        List<PlatformProcess> processes;
        List<Func<Task>> cleanups;
        lock (_gate)
        {
            processes = [.. _processes];
            cleanups = [.. _cleanups];
        }
        var errors = new List<Exception>();
        foreach (var p in processes)
        {
            try
            {
                await p.DisposeAsync();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
        foreach (var cleanup in cleanups)
        {
            try
            {
                await cleanup();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
        if (errors.Count > 0) throw new AggregateException("cleaning up platform processes failed", errors);
    }

    private static Dictionary<string, string> ClusterEnvironment(string clusterId) => new()
    {
        ["Mlops__ClusterId"] = clusterId,
        ["Mlops__ServiceId"] = clusterId,
        // The cluster tests ask /debug which silo holds a run.
        ["Mlops__EnableDiagnostics"] = "true",
        // A cluster silo refuses to start without a shared online store; the gateway ignores it.
        ["Mlops__Online__Redis"] = Features.Online.Store.RedisTestConnection.Endpoint,
        ["Mlops__Online__KeyPrefix"] = Features.Online.Store.RedisTestConnection.UniquePrefix("cluster"),
    };
}
