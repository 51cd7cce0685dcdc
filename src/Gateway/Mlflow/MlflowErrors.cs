using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Gateway.Common;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow's error shape, <c>{"error_code", "message"}</c> with MLflow's statuses, for every path under MLflow's prefixes.
/// An unmatched path is ENDPOINT_NOT_FOUND (404), the code MLflow's client checks before trying another endpoint.
/// </summary>
internal sealed class MlflowErrors : IHttpErrorShape
{
    public IReadOnlyList<PathString> Prefixes { get; } =
        [.. MlflowRoutes.ApiPrefixes.Concat(MlflowRoutes.Api3Prefixes).Concat(MlflowRoutes.ArtifactPrefixes).Append(MlflowArtifactEndpoints.GetArtifactPath).Append(MlflowArtifactEndpoints.ModelVersionArtifactPath).Select(p => new PathString(p))];

    public IResult Refusal(MlopsException e) => MlflowResults.From(e);

    public IResult Unavailable(string message) =>
        MlflowResults.Error("TEMPORARILY_UNAVAILABLE", message, StatusCodes.Status503ServiceUnavailable);

    public IResult Internal(string correlationId)
    {
        ProtocolErrors.Count(ProtocolErrors.Mlflow, "INTERNAL_ERROR");
        return Internal500(correlationId);
    }

    private static IResult Internal500(string correlationId) => Results.Json(new
    {
        error_code = "INTERNAL_ERROR",
        message = $"internal error; the server log has the details under correlation id {correlationId}",
        correlation_id = correlationId,
    }, MlflowResults.Json, statusCode: StatusCodes.Status500InternalServerError);

    public IResult Status(int status, string message) => status switch
    {
        StatusCodes.Status404NotFound => MlflowResults.Error("ENDPOINT_NOT_FOUND", message, status),
        StatusCodes.Status413PayloadTooLarge => MlflowResults.Error("RESOURCE_EXHAUSTED", message, status),
        _ => MlflowResults.Error("BAD_REQUEST", message, status),
    };
}
