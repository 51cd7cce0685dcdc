using System.Net;
using System.Net.Sockets;

namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>Ports the kernel says are free right now, so parallel test runs never collide.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
