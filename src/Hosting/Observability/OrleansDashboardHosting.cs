using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using Orleans.Hosting;

namespace MlOps.Orleans.Hosting.Observability;

/// <summary>
/// The Orleans dashboard's services, on every silo (each reports its own grains) and on a standalone gateway (which serves
/// the pages from what the silos report). Its pages are mapped on the observability port only (<see cref="ObservabilityHosting"/>).
/// </summary>
public static class OrleansDashboardHosting
{
    public static ISiloBuilder AddMlopsDashboard(this ISiloBuilder silo, MlopsOptions options)
    {
        if (!options.Observability.ServesDashboard) return silo;
        silo.AddDashboard();
        silo.Services.AddSingleton<DashboardRegistered>();
        return silo;
    }

    public static IClientBuilder AddMlopsDashboard(this IClientBuilder client, MlopsOptions options)
    {
        if (!options.Observability.ServesDashboard) return client;
        client.AddDashboard();
        client.Services.AddSingleton<DashboardRegistered>();
        return client;
    }
}

/// <summary>Present when the dashboard's services are: a host built without an Orleans silo or client maps no dashboard.</summary>
internal sealed class DashboardRegistered;
