using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Gateway.Mlflow;
using MlOps.Orleans.Hosting.Observability;

namespace MlOps.Orleans.Gateway.Timing;

/// <summary>
/// Times MLflow REST and Feast HTTP requests into <see cref="Stages.Handler"/>, tagged with the protocol, the HTTP method and
/// the route template (never the raw path, which holds ids). Runs outside <see cref="Common.HttpErrorMiddleware"/> so shaped
/// errors count; only in the pipeline when something reads the timings (diagnostics or an exporter). gRPC has its own timing
/// (<see cref="StageTimingInterceptor"/>), and /debug, /metrics and the dashboard are not timed, so reading the figures does
/// not change them.
/// </summary>
internal sealed class StageTimingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!Stages.Handler.Enabled
            || request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            || request.Path.StartsWithSegments("/debug")
            || request.Path.StartsWithSegments(ObservabilityOptions.MetricsPath)
            || request.Path.StartsWithSegments(ObservabilityOptions.DashboardPath))
        {
            return next(context);
        }
        return TimedAsync(context, Stages.Start(Stages.Handler));
    }

    private async Task TimedAsync(HttpContext context, long start)
    {
        try { await next(context); }
        finally
        {
            if (start != 0)
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                Stages.Handler.Record(Stages.ElapsedMs(start), new("protocol", ProtocolOf(route)), new("method", context.Request.Method), new("route", route));
            }
        }
    }

    /// <summary>MLflow owns its API prefixes; Feast's routes sit at the root; health and version are the platform's own.</summary>
    internal static string ProtocolOf(string route)
    {
        foreach (var prefix in MlflowRoutes.ApiPrefixes.Concat(MlflowRoutes.ArtifactPrefixes))
        {
            if (route.StartsWith(prefix, StringComparison.Ordinal)) return "mlflow";
        }
        if (route.StartsWith("/health", StringComparison.Ordinal) || route == "/version") return "platform";
        return route == "unmatched" ? "http" : "feast";
    }
}
