using Microsoft.AspNetCore.WebUtilities;

namespace MlOps.Orleans.Gateway.Common;

/// <summary>
/// The one error path of every HTTP protocol: any exception a handler throws, and any error status answered without a body
/// (no route matched, wrong method, a body Kestrel refused), is answered in the shape of the protocol that owns the path.
/// Handlers only throw; they never catch to shape an error themselves. gRPC calls have their own path (<see cref="ErrorInterceptor"/>).
/// </summary>
internal sealed class HttpErrorMiddleware(RequestDelegate next, IEnumerable<IHttpErrorShape> shapes, ILogger<HttpErrorMiddleware> logger)
{
    private readonly (PathString Prefix, IHttpErrorShape Shape)[] _owners = shapes
        .SelectMany(s => s.Prefixes.Select(p => (Prefix: p, Shape: s)))
        .OrderByDescending(o => o.Prefix.Value!.Length)
        .ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        var shape = Owner(context.Request);
        if (shape is null)
        {
            await next(context);
            return;
        }
        IResult? answer;
        try
        {
            await next(context);
            // Routing answers an unmatched path or a wrong method with a bare status; give it the protocol's body.
            answer = !context.Response.HasStarted && context.Response.StatusCode >= 400
                ? shape.Status(context.Response.StatusCode, Describe(context))
                : null;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            answer = Answer(e, context, shape);
        }
        catch (Exception e) when (Failures.Classify(e, context.RequestAborted) != FailureKind.Cancelled)
        {
            // The body had begun (a streamed download): too late for an error body, so the connection is cut.
            logger.LogError(e, "Error after the response began, {Method} {Path}, correlation id {CorrelationId}",
                context.Request.Method, context.Request.Path, context.TraceIdentifier);
            throw;
        }
        if (answer is not null) await answer.ExecuteAsync(context);
    }

    private IResult? Answer(Exception e, HttpContext context, IHttpErrorShape shape)
    {
        switch (Failures.Classify(e, context.RequestAborted))
        {
            case FailureKind.Refusal:
                return shape.Refusal((Contracts.Common.MlopsException)e);
            case FailureKind.BadRequest:
                var bad = (BadHttpRequestException)e;
                return shape.Status(bad.StatusCode, bad.Message);
            case FailureKind.Cancelled:
                return null;
            case FailureKind.Unavailable:
                logger.LogWarning(e, "Cluster unavailable for {Method} {Path}", context.Request.Method, context.Request.Path);
                return shape.Unavailable($"the cluster did not answer: {e.Message}");
            default:
                logger.LogError(e, "Unhandled error in {Method} {Path}, correlation id {CorrelationId}",
                    context.Request.Method, context.Request.Path, context.TraceIdentifier);
                return shape.Internal(context.TraceIdentifier);
        }
    }

    private IHttpErrorShape? Owner(HttpRequest request)
    {
        // gRPC (including an unknown gRPC method) answers in trailers, never in a body.
        if (request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true) return null;
        foreach (var (prefix, shape) in _owners)
        {
            if (prefix == "/" || request.Path.StartsWithSegments(prefix)) return shape;
        }
        return null;
    }

    private static string Describe(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => $"no endpoint at {context.Request.Method} {context.Request.Path}",
        StatusCodes.Status405MethodNotAllowed =>
            $"{context.Request.Method} is not allowed on {context.Request.Path}; allowed: {context.Response.Headers.Allow}",
        var status => ReasonPhrases.GetReasonPhrase(status),
    };
}
