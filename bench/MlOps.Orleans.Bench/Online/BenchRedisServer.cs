using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using MlOps.Orleans.Bench.Hosting;

namespace MlOps.Orleans.Bench.Online;

/// <summary>
/// A redis-server for one benchmark session, in a temporary folder, configured as a deployment would run it: AOF on with the
/// chosen fsync policy, no RDB snapshots. Stopped (by its process id) and deleted when disposed.
/// </summary>
internal sealed class BenchRedisServer : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlops-bench-redis-").FullName;

    private BenchRedisServer(string appendFsync)
    {
        AppendFsync = appendFsync;
        Port = FreePort.Take(1)[0];
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir,
            "--logfile", Path.Combine(_dir, "redis.log"), "--save", "",
            "--appendonly", appendFsync == "off" ? "no" : "yes", "--appendfsync", appendFsync == "off" ? "everysec" : appendFsync,
        })
        {
            info.ArgumentList.Add(arg);
        }
        Process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
    }

    public Process Process { get; }

    public int Port { get; }

    /// <summary>always | everysec | no | off (no AOF at all).</summary>
    public string AppendFsync { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<BenchRedisServer> StartAsync(string appendFsync, CancellationToken ct)
    {
        var server = new BenchRedisServer(appendFsync);
        var deadline = Stopwatch.GetTimestamp() + 15 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (server.Process.HasExited) break;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", server.Port, ct);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(20, ct);
            }
        }
        server.Dispose();
        throw new InvalidOperationException($"redis-server did not listen on {server.Port}");
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }
        Process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
