namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>Maps an MLflow route: read the arguments, run the handler; refusals become MLflow's error shape in HttpErrorMiddleware.</summary>
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

    // Errors are not caught here: HttpErrorMiddleware answers them in MLflow's shape, the one error path for MLflow routes.
    private static async Task<IResult> RunAsync(HttpContext context, Handler handler) =>
        await handler(await MlflowArgs.ReadAsync(context.Request, context.RequestAborted), context);
}
