using Microsoft.Extensions.DependencyInjection;

namespace MlOps.Orleans.Catalog;

/// <summary>Registers an opened catalog's stores, each concern under its own interface.</summary>
public static class CatalogServiceCollectionExtensions
{
    /// <summary>
    /// Adds <paramref name="catalog"/> and its five store interfaces as singletons. The container does not dispose an
    /// instance it was given: whoever opened the catalog owns it.
    /// </summary>
    public static IServiceCollection AddMlopsCatalog(this IServiceCollection services, CatalogStores catalog)
    {
        services.AddSingleton(catalog);
        services.AddSingleton(catalog.Tracking);
        services.AddSingleton(catalog.Registry);
        services.AddSingleton<LoggedModels.ILoggedModelStore>(catalog.LoggedModels);
        services.AddSingleton(catalog.Features);
        services.AddSingleton(catalog.Materialization);
        return services;
    }
}
