using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Exposure;
using MlOps.Orleans.Hosting.Health;
using MlOps.Orleans.Gateway.Artifacts;
using MlOps.Orleans.Gateway.Common;
using MlOps.Orleans.Gateway.Feast;
using MlOps.Orleans.Gateway.Features;
using MlOps.Orleans.Gateway.Mlflow;
using MlOps.Orleans.Gateway.Registry;
using MlOps.Orleans.Gateway.Timing;
using MlOps.Orleans.Gateway.Tracking;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>The client-facing endpoints, identical in a standalone gateway and in an embedded silo.</summary>
public static class EndpointHosting
{
    public static WebApplicationBuilder AddMlopsEndpoints(this WebApplicationBuilder builder, MlopsOptions options)
    {
        var address = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // REST, pages and health on HTTP/1.1; gRPC on its own HTTP/2-only port so cleartext clients need no TLS/ALPN.
            kestrel.Listen(address, options.HttpPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, options.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
            // MLflow's GET routes take lists in the query string (the UI's bulk history sends up to 100 run ids, and
            // clients send more to be told the limit): a long URL gets MLflow's named refusal, not an empty 414.
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 96 * 1024;
        });
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.IOQueueCount = options.IOQueueCount;
            sockets.UnsafePreferInlineScheduling = options.InlineScheduling;
        });
        builder.Services.AddGrpc(o =>
        {
            // Outermost, so handler timings include the error mapping; absent (not merely idle) when nothing reads them.
            if (options.TimesStages) o.Interceptors.Add<StageTimingInterceptor>();
            o.Interceptors.Add<ErrorInterceptor>();
            o.MaxReceiveMessageSize = 16 * 1024 * 1024;
        });
        builder.Services.AddGrpcReflection();
        ExposedSurfaces.Of(builder.Services)
            .Add($"MLflow REST and artifact proxy http://{options.BindAddress}:{options.HttpPort}/api/2.0/mlflow, /api/2.0/mlflow-artifacts (and /ajax-api)")
            .Add($"Feast HTTP http://{options.BindAddress}:{options.HttpPort}/get-online-features, /push, /write-to-online-store, /materialize")
            .Add($"health http://{options.BindAddress}:{options.HttpPort}/health")
            .Add($"gRPC {options.BindAddress}:{options.GrpcPort} (tracking, artifacts, registry, feature store, diagnostics ping, reflection)");
        if (options.EnableDiagnostics) ExposedSurfaces.Of(builder.Services).Add($"diagnostics http://{options.BindAddress}:{options.HttpPort}/debug");
        if (options.EnableDiagnostics) builder.Services.AddMlopsStageListener();
        builder.Services.AddMlopsHealthChecks();
        builder.Services.AddSingleton<MetricSubscriptions>();
        builder.Services.AddSingleton<ModelDirectory>();
        // One error shape per HTTP protocol; HttpErrorMiddleware picks it by path. KServe v2 (/v2) adds its own here.
        builder.Services.AddSingleton<IHttpErrorShape, MlflowErrors>();
        builder.Services.AddSingleton<IHttpErrorShape, FeastErrors>();
        builder.Services.AddSingleton<IHttpErrorShape, DiagnosticsErrors>();
        return builder;
    }

    public static WebApplication MapMlopsEndpoints(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<MlopsOptions>();
        var diagnostics = options.EnableDiagnostics;
        if (options.TimesStages) app.UseMiddleware<StageTimingMiddleware>();
        app.UseMiddleware<HttpErrorMiddleware>();
        app.MapGrpcService<TrackingGrpcService>();
        app.MapGrpcService<ArtifactGrpcService>();
        app.MapGrpcService<RegistryGrpcService>();
        app.MapGrpcService<FeatureStoreGrpcService>();
        // A no-op Ping for the benchmarks' gRPC floor; it reads nothing, so it needs no switch.
        app.MapGrpcService<DiagnosticsGrpcService>();
        // Off unless asked for: it tells a caller which silo holds which run.
        if (diagnostics) app.MapMlopsDiagnostics();
        app.MapMlflow();
        app.MapFeast();
        app.MapGrpcReflectionService();
        app.MapMlopsHealthChecks();
        return app;
    }
}
