using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlOps.Orleans.Artifacts.Blob;
using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Artifacts.Transfers;

namespace MlOps.Orleans.Artifacts.Hosting;

/// <summary>Picks the one <see cref="IArtifactStore"/> of the process from validated options.</summary>
public static class ArtifactStoreRegistration
{
    public static IServiceCollection AddArtifactStore(this IServiceCollection services, ArtifactOptions options)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton<IArtifactStore>(_ => options.IsAzureBlob
            ? new BlobArtifactStore(new BlobContainerClient(options.ConnectionString, options.Container))
            : new LocalArtifactStore(options.Root!));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ArtifactStoreInitializer>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ArtifactTransfers>();
        services.TryAddSingleton<MultipartTransfers>();
        services.TryAddSingleton<UploadSweeper>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, UploadSweeper>(sp => sp.GetRequiredService<UploadSweeper>()));
        return services;
    }
}
