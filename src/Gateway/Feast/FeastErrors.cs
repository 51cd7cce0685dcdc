using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Gateway.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Gateway.Feast;

/// <summary>
/// Feast's feature server errors, FastAPI's shape <c>{"detail": "..."}</c>. Feast's routes sit at the root, so this shape owns
/// every path no other protocol claims, and an unmatched one answers FastAPI's <c>{"detail": "Not Found"}</c>.
/// </summary>
internal sealed class FeastErrors : IHttpErrorShape
{
    public IReadOnlyList<PathString> Prefixes { get; } = ["/"];

    public IResult Refusal(MlopsException e) => Detail(e.Message, e.Code switch
    {
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.AlreadyExists or ErrorCode.FailedPrecondition => StatusCodes.Status409Conflict,
        ErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCode.ResourceExhausted => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status422UnprocessableEntity,
    });

    public IResult Unavailable(string message) => Detail(message, StatusCodes.Status503ServiceUnavailable);

    public IResult Internal(string correlationId)
    {
        ProtocolErrors.Count(ProtocolErrors.Feast, StatusCodes.Status500InternalServerError);
        return Internal500(correlationId);
    }

    private static IResult Internal500(string correlationId) => Results.Json(new
    {
        detail = $"Internal Server Error; the server log has the details under correlation id {correlationId}",
        correlation_id = correlationId,
    }, statusCode: StatusCodes.Status500InternalServerError);

    // FastAPI's own words for the statuses routing answers.
    public IResult Status(int status, string message) => status switch
    {
        StatusCodes.Status404NotFound => Detail("Not Found", status),
        StatusCodes.Status405MethodNotAllowed => Detail("Method Not Allowed", status),
        _ => Detail(message, status),
    };

    private static IResult Detail(string detail, int status)
    {
        ProtocolErrors.Count(ProtocolErrors.Feast, status);
        return Results.Json(new { detail }, statusCode: status);
    }
}
