using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Orleans' own answers about our types, from a silo host that is built but never started: the <see cref="TypeConverter"/>
/// that writes type names on the wire, the resolvers that name grain classes and grain interfaces, and the grain manifest
/// a silo advertises to the cluster. Asking Orleans (instead of re-implementing its naming rules) means an Orleans upgrade
/// that changes a rule shows up in the snapshot too.
/// </summary>
internal sealed class OrleansMetadata : IDisposable
{
    private readonly IHost _host;

    public OrleansMetadata()
    {
        // An empty builder: no appsettings or environment configuration of the test folder can leak into the names.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            // Explicit, so the result does not depend on which assemblies happen to be loaded when the host is built.
            silo.Services.AddSerializer(serializer =>
            {
                foreach (var assembly in WireAssemblies.All) serializer.AddAssembly(assembly);
            });
        });
        _host = builder.Build();
        var services = _host.Services;
        Types = services.GetRequiredService<TypeConverter>();
        GrainTypes = services.GetRequiredService<GrainTypeResolver>();
        GrainInterfaceTypes = services.GetRequiredService<GrainInterfaceTypeResolver>();
        // LocalGrainManifest is computed when the provider is constructed; nothing has to run for it.
        Manifest = services.GetRequiredService<IClusterManifestProvider>().LocalGrainManifest;
    }

    public TypeConverter Types { get; }

    public GrainTypeResolver GrainTypes { get; }

    public GrainInterfaceTypeResolver GrainInterfaceTypes { get; }

    public GrainManifest Manifest { get; }

    public void Dispose() => _host.Dispose();
}
