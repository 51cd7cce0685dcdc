namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow's REST API, under <c>/api/2.0/mlflow/</c> and again under <c>/ajax-api/2.0/mlflow/</c>.</summary>
public static class MlflowRoutes
{
    /// <summary>The MLflow version whose REST API this surface follows; clients log it, some check it.</summary>
    public const string CompatibleVersion = "2.22.0";

    public static WebApplication MapMlflow(this WebApplication app)
    {
        foreach (var prefix in new[] { "/api/2.0/mlflow", "/ajax-api/2.0/mlflow" })
        {
            var api = app.MapGroup(prefix);
            MlflowTrackingEndpoints.Map(api);
            MlflowRegistryEndpoints.Map(api);
        }
        MlflowArtifactEndpoints.Map(app);
        app.MapGet("/health", () => Results.Text("OK"));
        app.MapGet("/version", () => Results.Text(CompatibleVersion));
        return app;
    }
}
