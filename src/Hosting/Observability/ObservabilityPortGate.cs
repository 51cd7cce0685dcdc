using Microsoft.AspNetCore.Http;

namespace MlOps.Orleans.Hosting.Observability;

/// <summary>
/// Keeps the observability surfaces and the API apart by the port a request arrived on (the socket's, not the Host header a
/// caller writes): on the observability port only <c>/metrics</c> and <c>/dashboard</c>; on every other port neither.
/// Both refusals are a bare 404, as for a path that does not exist.
/// </summary>
internal sealed class ObservabilityPortGate(RequestDelegate next, int port)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var observability = path.StartsWithSegments(ObservabilityOptions.MetricsPath) || path.StartsWithSegments(ObservabilityOptions.DashboardPath);
        if (observability == (context.Connection.LocalPort == port)) return next(context);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
