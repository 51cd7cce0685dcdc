using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlOps.Orleans.Hosting.Observability;

/// <summary>Names the observability surfaces once at start, as a warning when they listen beyond loopback.</summary>
internal sealed class ObservabilityAnnouncement(string surfaces, bool loopback, ILogger logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (loopback) logger.LogInformation("Observability: {Surfaces}", surfaces);
        else logger.LogWarning("Mlops:Observability:AllowClusterAddress is set: these surfaces answer anyone who can reach the address, " +
            "with no authentication: {Surfaces}", surfaces);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
