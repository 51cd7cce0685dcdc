namespace MlOps.Orleans.Gateway.Timing;

/// <summary>The /debug/stages listener, only with Mlops:EnableDiagnostics (an exporter, if any, listens through OpenTelemetry).</summary>
public static class StageHosting
{
    public static IServiceCollection AddMlopsStageListener(this IServiceCollection services)
    {
        services.AddSingleton<StageListener>();
        services.AddHostedService(sp => sp.GetRequiredService<StageListener>());
        return services;
    }
}
