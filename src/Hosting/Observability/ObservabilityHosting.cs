using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Hosting.Exposure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace MlOps.Orleans.Hosting.Observability;

/// <summary>
/// OpenTelemetry for every process, written once: the meters (ours, Orleans', ASP.NET Core's and the runtime's) read by the
/// Prometheus scrape on the observability port and, when configured, pushed over OTLP with the traces; console logs that
/// carry the trace id; the observability listener itself. <see cref="MapMlopsObservability"/> maps the scrape and the
/// dashboard and keeps them, and only them, on that port.
/// </summary>
public static class ObservabilityHosting
{
    /// <summary>Orleans' meter (messaging, grain calls, activations, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";
    /// <summary>Orleans' activity sources: grain calls as the runtime and as the application see them, and grain storage.</summary>
    public static readonly IReadOnlyList<string> OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage"];

    public static WebApplicationBuilder AddMlopsObservability(this WebApplicationBuilder builder, MlopsOptions options)
    {
        var o = options.Observability;
        AddLogging(builder.Logging, o);
        if (o.Listens)
        {
            var address = IPAddress.Parse(o.Address);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, o.Port, l => l.Protocols = HttpProtocols.Http1));
            var surfaces = $"metrics http://{o.Address}:{o.Port}{ObservabilityOptions.MetricsPath}" +
                (o.ServesDashboard ? $", Orleans dashboard http://{o.Address}:{o.Port}{ObservabilityOptions.DashboardPath}/" : "");
            if (!o.IsLoopback) ExposedSurfaces.Of(builder.Services).Add(surfaces);
            builder.Services.AddHostedService(sp => new ObservabilityAnnouncement(surfaces, o.IsLoopback,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ObservabilityHosting).Namespace!)));
        }
        if (!o.CollectsMetrics) return builder; // nothing would read the meters: leave every instrument disabled
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Stages.MeterName, OrleansMeter).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
                if (o.Listens) metrics.AddPrometheusExporter();
                if (o.Exports) metrics.AddOtlpExporter(e => Otlp(e, o));
            });
        // Spans cost an allocation per request and grain call, so they are recorded only when a collector receives them.
        if (o.Exports)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(Traces.SourceName).AddSource([.. OrleansSources])
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(e => Otlp(e, o)));
        }
        return builder;
    }

    /// <summary>
    /// Maps <c>/metrics</c> and the dashboard and keeps them on the observability port: call it before the API endpoints'
    /// middleware, so a request to either on an API port is refused before anything else sees it.
    /// </summary>
    public static WebApplication MapMlopsObservability(this WebApplication app)
    {
        var o = app.Services.GetRequiredService<MlopsOptions>().Observability;
        if (!o.Listens) return app;
        app.UseMiddleware<ObservabilityPortGate>(o.Port);
        app.MapPrometheusScrapingEndpoint(ObservabilityOptions.MetricsPath);
        if (o.ServesDashboard && app.Services.GetService<DashboardRegistered>() is not null)
            app.MapOrleansDashboard(ObservabilityOptions.DashboardPath);
        return app;
    }

    // ActivityTrackingOptions put the current trace and span ids into every log entry's scope; the formatters print scopes.
    private static void AddLogging(ILoggingBuilder logging, ObservabilityOptions o)
    {
        logging.Configure(f => f.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (o.LogFormat == ObservabilityOptions.JsonLogs)
        {
            logging.AddJsonConsole(j =>
            {
                j.IncludeScopes = true;
                j.UseUtcTimestamp = true;
                j.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(s => s.IncludeScopes = true);
        }
    }

    private static void Otlp(OtlpExporterOptions exporter, ObservabilityOptions o)
    {
        // Without our setting the exporter keeps what it read from OTEL_EXPORTER_OTLP_* itself.
        if (!string.IsNullOrWhiteSpace(o.OtlpEndpoint)) exporter.Endpoint = new Uri(o.OtlpEndpoint);
    }
}
