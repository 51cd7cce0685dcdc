using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlOps.Orleans.Artifacts.Hosting;

/// <summary>Creates the folder or container at start, so a wrong connection string stops the process instead of the first upload.</summary>
internal sealed class ArtifactStoreInitializer(IArtifactStore store, ILogger<ArtifactStoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Artifact store ready at {Location}", store.Location);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
