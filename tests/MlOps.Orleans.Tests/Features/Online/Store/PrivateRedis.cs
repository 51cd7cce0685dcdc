using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>
/// A redis-server of the test's own, in a temporary folder, with AOF and fsync on every write (so an acknowledged write
/// must survive kill -9) unless the test overrides them, that the test can kill and restart on the same port. Never daemonized: the test holds the
/// process and stops it by its id.
/// </summary>
internal sealed class PrivateRedis : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlops-online-redis-").FullName;
    private readonly string[] _overrides;
    private Process? _process;

    private PrivateRedis(string[] overrides) => _overrides = overrides;

    public int Port { get; private set; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <param name="overrides">More redis-server arguments, after the defaults (a later option wins): <c>--appendonly no</c>.</param>
    public static async Task<PrivateRedis> StartAsync(params string[] overrides)
    {
        var redis = new PrivateRedis(overrides);
        try
        {
            // The port is free when picked but another process may take it before redis binds: try a few.
            for (var attempt = 1; ; attempt++)
            {
                redis.Port = FreePort.Next();
                if (await redis.TryStartAsync()) return redis;
                if (attempt == 3) throw new InvalidOperationException($"redis-server did not start: {redis.Log()}");
            }
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>kill -9: nothing is flushed beyond what Redis already fsynced before answering.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public async Task RestartAsync()
    {
        Kill();
        if (!await TryStartAsync()) throw new InvalidOperationException($"redis-server did not restart on {Port}: {Log()}");
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private async Task<bool> TryStartAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", _dir, "--logfile", Path.Combine(_dir, "redis.log"),
                "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _overrides) info.ArgumentList.Add(argument);
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                _process.Dispose();
                _process = null;
                return false;
            }
            // PONG only once the AOF is loaded (before that Redis answers -LOADING).
            if (await PingAsync()) return true;
            await Task.Delay(20);
        }
        throw new TimeoutException($"redis-server on {Port} did not answer PING: {Log()}");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port).WaitAsync(TimeSpan.FromSeconds(1));
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private string Log()
    {
        var path = Path.Combine(_dir, "redis.log");
        return File.Exists(path) ? string.Join(" | ", File.ReadLines(path).TakeLast(5)) : "(no log)";
    }
}
