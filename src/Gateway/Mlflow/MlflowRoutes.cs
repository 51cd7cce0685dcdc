namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow's REST API, under <c>/api/2.0/mlflow/</c> and again under <c>/ajax-api/2.0/mlflow/</c>.</summary>
public static class MlflowRoutes
{
    /// <summary>
    /// The MLflow version whose REST API this surface follows; clients log it, some check it. 3.5: logged models, run
    /// outputs and model inputs are served (traces are not; see docs/mlflow-compatibility.md).
    /// </summary>
    public const string CompatibleVersion = "3.5.0";

    /// <summary>Where the tracking and registry routes live.</summary>
    public static readonly IReadOnlyList<string> ApiPrefixes = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"];

    /// <summary>MLflow 3's newer surface (traces v3, ...): nothing is served there, but errors keep MLflow's shape.</summary>
    public static readonly IReadOnlyList<string> Api3Prefixes = ["/api/3.0/mlflow", "/ajax-api/3.0/mlflow"];

    /// <summary>Where the artifact proxy lives.</summary>
    public static readonly IReadOnlyList<string> ArtifactPrefixes = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

    public static WebApplication MapMlflow(this WebApplication app)
    {
        foreach (var prefix in ApiPrefixes)
        {
            var api = app.MapGroup(prefix);
            MlflowTrackingEndpoints.Map(api);
            MlflowRegistryEndpoints.Map(api);
            MlflowLoggedModelEndpoints.Map(api);
            MlflowPromptlabEndpoint.Map(api);
            MlflowGatewayProxyEndpoint.Map(api);
        }
        // Traces (GenAI tracing) are out of scope: a 3.x client that sends them gets MLflow's own "no such endpoint".
        foreach (var prefix in ApiPrefixes.Concat(Api3Prefixes))
        {
            app.Map(prefix + "/traces", TracesNotServed);
            app.Map(prefix + "/traces/{**rest}", TracesNotServed);
        }
        MlflowArtifactEndpoints.Map(app);
        app.MapGet("/health", () => Results.Text("OK"));
        app.MapGet("/version", () => Results.Text(CompatibleVersion));
        return app;
    }

    private static IResult TracesNotServed() =>
        MlflowResults.Error("ENDPOINT_NOT_FOUND", "MLflow traces are not served by this server (see docs/mlflow-compatibility.md)", StatusCodes.Status404NotFound);
}
