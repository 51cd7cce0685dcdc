namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow's REST API, under <c>/api/2.0/mlflow/</c> and again under <c>/ajax-api/2.0/mlflow/</c>.</summary>
public static class MlflowRoutes
{
    /// <summary>The MLflow version whose REST API this surface follows; clients log it, some check it.</summary>
    public const string CompatibleVersion = "2.22.0";

    /// <summary>Where the tracking and registry routes live.</summary>
    public static readonly IReadOnlyList<string> ApiPrefixes = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"];

    /// <summary>Where the artifact proxy lives.</summary>
    public static readonly IReadOnlyList<string> ArtifactPrefixes = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

    public static WebApplication MapMlflow(this WebApplication app)
    {
        foreach (var prefix in ApiPrefixes)
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
