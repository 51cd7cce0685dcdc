using System.Net;
using System.Net.Sockets;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>The four ports one platform process listens on, each one the kernel called free a moment ago.</summary>
public sealed record PlatformPorts(int Http, int Grpc, int Silo, int Gateway)
{
    /// <summary>Holds every listener open until all are chosen, so the four ports are distinct.</summary>
    public static PlatformPorts Allocate()
    {
        var listeners = Enumerable.Range(0, 4).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            return new PlatformPorts(ports[0], ports[1], ports[2], ports[3]);
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
