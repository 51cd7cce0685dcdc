namespace MlOps.Orleans.Gateway.Timing;

/// <summary>Stage timings are collected only with Mlops:EnableDiagnostics: without a listener every recording point is a no-op.</summary>
public static class StageHosting
{
    public static IServiceCollection AddMlopsStageListener(this IServiceCollection services)
    {
        services.AddSingleton<StageListener>();
        services.AddHostedService(sp => sp.GetRequiredService<StageListener>());
        return services;
    }
}
