using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MlOps.Orleans.Gateway.Artifacts;
using MlOps.Orleans.Gateway.Common;
using MlOps.Orleans.Gateway.Feast;
using MlOps.Orleans.Gateway.Features;
using MlOps.Orleans.Gateway.Mlflow;
using MlOps.Orleans.Gateway.Registry;
using MlOps.Orleans.Gateway.Tracking;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>The client-facing endpoints, identical in a standalone gateway and in an embedded silo.</summary>
public static class EndpointHosting
{
    private const string LiveTag = "live";
    private const string ReadyTag = "ready";
    private const string OnlineTag = "online";

    /// <summary>The report as JSON, so a caller sees why (e.g. "online store is empty") and the numbers behind it.</summary>
    private static Task WriteHealthJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        });
    }

    public static WebApplicationBuilder AddMlopsEndpoints(this WebApplicationBuilder builder, MlopsOptions options)
    {
        var address = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // REST, pages and health on HTTP/1.1; gRPC on its own HTTP/2-only port so cleartext clients need no TLS/ALPN.
            kestrel.Listen(address, options.HttpPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, options.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
        });
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.IOQueueCount = options.IOQueueCount;
            sockets.UnsafePreferInlineScheduling = options.InlineScheduling;
        });
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorInterceptor>();
            o.MaxReceiveMessageSize = 16 * 1024 * 1024;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(o =>
            {
                o.Services.Map("", r => r.Tags.Contains(ReadyTag));
                o.Services.Map("mlops.tracking.v1.TrackingService", r => r.Tags.Contains(ReadyTag));
            })
            .AddCheck<LivenessCheck>("process", tags: [LiveTag])
            .AddCheck<ReadinessCheck>("cluster-and-catalog", tags: [ReadyTag])
            .AddCheck<OnlineStoreCheck>("online-store", tags: [OnlineTag]);
        builder.Services.AddSingleton<MetricSubscriptions>();
        builder.Services.AddSingleton<ModelDirectory>();
        return builder;
    }

    public static WebApplication MapMlopsEndpoints(this WebApplication app)
    {
        app.MapGrpcService<TrackingGrpcService>();
        app.MapGrpcService<ArtifactGrpcService>();
        app.MapGrpcService<RegistryGrpcService>();
        app.MapGrpcService<FeatureStoreGrpcService>();
        app.MapMlopsDiagnostics();
        app.MapMlflow();
        app.MapFeast();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) });
        // Online serving has its own readiness: a platform that only tracks experiments is ready with an empty online store.
        app.MapHealthChecks("/health/online", new HealthCheckOptions { Predicate = r => r.Tags.Contains(OnlineTag), ResponseWriter = WriteHealthJsonAsync });
        return app;
    }
}
