using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>The five ports one platform process listens on: distinct, from <see cref="FreePort"/>'s range, free a moment ago.</summary>
public sealed record PlatformPorts(int Http, int Grpc, int Silo, int Gateway, int Observability)
{
    /// <summary>
    /// The child binds them seconds later, after its start-up; below the ephemeral range and handed out once per test
    /// process, nothing of this process takes them meanwhile.
    /// </summary>
    public static PlatformPorts Allocate()
    {
        using var reservation = FreePort.Reserve(5);
        var ports = reservation.Ports;
        return new PlatformPorts(ports[0], ports[1], ports[2], ports[3], ports[4]);
    }
}
