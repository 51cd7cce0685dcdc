using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MlOps.Orleans.Hosting.Health;

/// <summary>
/// Liveness, readiness and online readiness over HTTP (<c>/health/*</c>) and gRPC (<c>grpc.health.v1.Health</c>), the same in
/// every process that serves endpoints.
/// </summary>
public static class HealthEndpoints
{
    private const string LiveTag = "live";
    private const string ReadyTag = "ready";
    private const string OnlineTag = "online";

    public static IServiceCollection AddMlopsHealthChecks(this IServiceCollection services)
    {
        services.AddGrpcHealthChecks(o =>
            {
                o.Services.Map("", r => r.Tags.Contains(ReadyTag));
                o.Services.Map("mlops.tracking.v1.TrackingService", r => r.Tags.Contains(ReadyTag));
            })
            .AddCheck<LivenessCheck>("process", tags: [LiveTag])
            .AddCheck<ReadinessCheck>("cluster-and-catalog", tags: [ReadyTag])
            .AddCheck<OnlineStoreCheck>("online-store", tags: [OnlineTag]);
        return services;
    }

    public static WebApplication MapMlopsHealthChecks(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) });
        // Online serving has its own readiness: a platform that only tracks experiments is ready with an empty online store.
        app.MapHealthChecks("/health/online", new HealthCheckOptions { Predicate = r => r.Tags.Contains(OnlineTag), ResponseWriter = WriteJsonAsync });
        return app;
    }

    /// <summary>The report as JSON, so a caller sees why (e.g. "online store is empty") and the numbers behind it.</summary>
    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        });
    }
}
