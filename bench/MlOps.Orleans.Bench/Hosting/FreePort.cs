using System.Net;
using System.Net.Sockets;

namespace MlOps.Orleans.Bench.Hosting;

internal static class FreePort
{
    /// <summary>Ports the kernel just handed out and released; several at once so they cannot repeat among themselves.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
