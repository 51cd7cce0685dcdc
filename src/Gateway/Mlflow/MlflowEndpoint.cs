using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>Maps an MLflow route: read the arguments, run the handler, turn refusals into MLflow's error shape.</summary>
internal static class MlflowEndpoint
{
    // Cast to Delegate: a lambda returning Task<IResult> would otherwise bind as a RequestDelegate and drop the result.
    public delegate Task<IResult> Handler(MlflowArgs args, HttpContext context);

    public static void Get(this RouteGroupBuilder group, string path, Handler handler) => group.MapGet(path, (Delegate)((HttpContext c) => RunAsync(c, handler)));

    public static void Post(this RouteGroupBuilder group, string path, Handler handler) => group.MapPost(path, (Delegate)((HttpContext c) => RunAsync(c, handler)));

    public static void Patch(this RouteGroupBuilder group, string path, Handler handler) => group.MapPatch(path, (Delegate)((HttpContext c) => RunAsync(c, handler)));

    public static void Delete(this RouteGroupBuilder group, string path, Handler handler) => group.MapDelete(path, (Delegate)((HttpContext c) => RunAsync(c, handler)));

    /// <summary>Routes MLflow serves for both GET (query string) and POST (JSON body).</summary>
    public static void GetOrPost(this RouteGroupBuilder group, string path, Handler handler) =>
        group.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], (Delegate)((HttpContext c) => RunAsync(c, handler)));

    private static async Task<IResult> RunAsync(HttpContext context, Handler handler)
    {
        try
        {
            var args = await MlflowArgs.ReadAsync(context.Request, context.RequestAborted);
            return await handler(args, context);
        }
        catch (MlopsException e)
        {
            return MlflowResults.From(e);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            Logger(context).LogWarning(e, "Cluster unavailable for {Path}", context.Request.Path);
            return MlflowResults.Error("TEMPORARILY_UNAVAILABLE", $"the cluster did not answer: {e.Message}", StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger(context).LogError(e, "Unhandled error in {Path}", context.Request.Path);
            return MlflowResults.Error("INTERNAL_ERROR", "internal error; the server log has the details", StatusCodes.Status500InternalServerError);
        }
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MlOps.Orleans.Gateway.Mlflow");
}
