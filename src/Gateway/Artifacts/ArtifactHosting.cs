using MlOps.Orleans.Artifacts.Hosting;
using MlOps.Orleans.Gateway.Hosting;

namespace MlOps.Orleans.Gateway.Artifacts;

/// <summary>The artifact store of a silo or gateway process, chosen once from <c>Mlops:Artifacts:*</c>.</summary>
public static class ArtifactHosting
{
    /// <summary>
    /// Registers the store: a folder (<c>Mlops:Artifacts:Root</c>, default <c>&lt;Mlops:DataDir&gt;/artifacts</c>) or Azure Blob
    /// Storage (<c>Mlops:Artifacts:Provider=AzureBlob</c>). Settings are validated now; the folder or container is created at start.
    /// </summary>
    public static IServiceCollection AddMlopsArtifacts(this IServiceCollection services, IConfiguration configuration, MlopsOptions options) =>
        services.AddArtifactStore(ArtifactOptions.Load(configuration, Path.Combine(options.DataDir, "artifacts")));
}
