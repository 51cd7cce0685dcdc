using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlOps.Orleans.Hosting.Exposure;

/// <summary>The one start-up warning of <see cref="ExposedSurfaces"/>.</summary>
internal sealed class ExposureWarning(ExposedSurfaces surfaces, MlopsOptions options, ILogger<ExposedSurfaces> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.NonLoopbackAddresses().Count > 0 && surfaces.Surfaces.Count > 0)
            logger.LogWarning("Mlops:AllowUnauthenticated is set and {Addresses} is not loopback: these surfaces accept calls from anyone " +
                "who can reach them, with no authentication: {Surfaces}", string.Join(", ", options.NonLoopbackAddresses()), string.Join("; ", surfaces.Surfaces));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
