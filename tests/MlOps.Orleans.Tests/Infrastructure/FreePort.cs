using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>
/// Ports for the servers the tests start: in-process platforms, platform processes, private Redis servers.
/// </summary>
/// <remarks>
/// The kernel's "port 0" hands out a port of the ephemeral range, the range outgoing connections take their local ports
/// from, so a port picked that way and released can be taken by any connection (to PostgreSQL, Redis, a silo) before the
/// server binds it: "address in use", seen once. These ports come from below the ephemeral range instead, where no outgoing
/// connection lands, through one counter for the whole test process, so two fixtures never get the same one; a port is
/// handed out only if it can be bound at that moment (other processes, scripts/services.sh among them, pick from the same range).
/// </remarks>
public static class FreePort
{
    private const int RangeLow = 20000;
    private static readonly (int Low, int High) Range = ChooseRange();

    // Each test process starts at its own place in the range, so concurrent test runs on one machine rarely probe the same ports.
    private static int _counter = Random.Shared.Next(Range.High - Range.Low);

    /// <summary>One port, free now; the caller binds it soon (and retries if another process got there first).</summary>
    public static int Next()
    {
        using var reservation = Reserve(1);
        return reservation.Ports[0];
    }

    /// <summary>
    /// <paramref name="count"/> distinct ports, each held by a listening socket until the reservation is disposed: dispose it
    /// right before the server binds, so no other process can take a port in between.
    /// </summary>
    public static PortReservation Reserve(int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            var size = Range.High - Range.Low;
            for (var probes = 0; sockets.Count < count; probes++)
            {
                if (probes == size) throw new InvalidOperationException($"no free port in {Range.Low}-{Range.High - 1}");
                var port = Range.Low + (int)((uint)Interlocked.Increment(ref _counter) % (uint)size);
                if (TryHold(port) is { } socket) sockets.Add(socket);
            }
            return new PortReservation(sockets);
        }
        catch
        {
            foreach (var s in sockets) s.Dispose();
            throw;
        }
    }

    private static Socket? TryHold(int port)
    {
        // Any address, not loopback only: the bind then also fails when something holds the port on another address.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            socket.Listen(1);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>[20000, start of the ephemeral range); above it if the ephemeral range starts too low to leave room.</summary>
    private static (int Low, int High) ChooseRange()
    {
        var (ephemeralLow, ephemeralHigh) = (32768, 60999);
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            (ephemeralLow, ephemeralHigh) = (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux: keep Linux's default range.
        }
        if (ephemeralLow - RangeLow >= 1000) return (RangeLow, ephemeralLow);
        if (65535 - ephemeralHigh >= 1000) return (ephemeralHigh + 1, 65536);
        throw new InvalidOperationException($"the ephemeral port range {ephemeralLow}-{ephemeralHigh} leaves no room for test servers");
    }
}

/// <summary>Ports held by listening sockets until disposed.</summary>
public sealed class PortReservation : IDisposable
{
    private readonly List<Socket> _sockets;

    internal PortReservation(List<Socket> sockets)
    {
        _sockets = sockets;
        Ports = sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToList();
    }

    public IReadOnlyList<int> Ports { get; }

    /// <summary>Releases the ports (idempotent); the server that is to use them binds right after.</summary>
    public void Dispose()
    {
        foreach (var s in _sockets) s.Dispose();
        _sockets.Clear();
    }
}
