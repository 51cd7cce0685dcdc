using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MlOps.Orleans.Hosting.Exposure;

/// <summary>
/// What this process lets unauthenticated callers reach from other machines. Each part of the process (endpoints, silo)
/// adds its surfaces while it is wired; at start one warning names all of them, so whoever set
/// <c>Mlops:AllowUnauthenticated</c> sees exactly what is open. Nothing is logged when everything is on loopback.
/// </summary>
public sealed class ExposedSurfaces
{
    private readonly List<string> _surfaces = [];

    public IReadOnlyList<string> Surfaces => _surfaces;

    /// <summary>The process's one instance, registered on first use together with the start-up warning.</summary>
    public static ExposedSurfaces Of(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ExposedSurfaces))?.ImplementationInstance is ExposedSurfaces existing) return existing;
        var surfaces = new ExposedSurfaces();
        services.AddSingleton(surfaces);
        services.AddHostedService<ExposureWarning>();
        return surfaces;
    }

    public ExposedSurfaces Add(string surface)
    {
        _surfaces.Add(surface);
        return this;
    }
}
