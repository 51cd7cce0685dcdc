using MlOps.Orleans.Artifacts.Hosting;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Settings;

namespace MlOps.Orleans.Gateway.Artifacts;

/// <summary>The artifact store of a silo or gateway process, chosen once from <c>Mlops:Artifacts:*</c>.</summary>
public static class ArtifactHosting
{
    /// <summary>
    /// Registers the store: a folder (<c>Mlops:Artifacts:Root</c>, default <c>&lt;Mlops:DataDir&gt;/artifacts</c>) or Azure Blob
    /// Storage (<c>Mlops:Artifacts:Provider=AzureBlob</c>). Settings are bound now and checked with the process's others; the
    /// folder or container is created at start.
    /// </summary>
    public static IHostApplicationBuilder AddMlopsArtifacts(this IHostApplicationBuilder builder, MlopsOptions options)
    {
        var artifacts = Bind(builder.MlopsSettings(), Path.Combine(options.DataDir, "artifacts"));
        builder.Services.AddArtifactStore(artifacts);
        return builder;
    }

    /// <summary>Binds and validates the artifact settings alone; throws naming every problem.</summary>
    public static ArtifactOptions Load(IConfiguration configuration, string defaultRoot)
    {
        var settings = new SettingsBinder(configuration);
        var artifacts = Bind(settings, defaultRoot);
        settings.ThrowIfInvalid();
        return artifacts;
    }

    private static ArtifactOptions Bind(SettingsBinder settings, string defaultRoot) =>
        settings.Bind<ArtifactOptions>(ArtifactOptions.Section, o => o.Validate(), o =>
        {
            if (string.IsNullOrWhiteSpace(o.Root)) o.Root = defaultRoot;
        });
}
