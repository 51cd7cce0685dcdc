using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Gateway.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>The <c>/debug/...</c> views answer errors as <c>{"error": "..."}</c> (the shape KServe v2 uses too).</summary>
internal sealed class DiagnosticsErrors : IHttpErrorShape
{
    public IReadOnlyList<PathString> Prefixes { get; } = ["/debug"];

    public IResult Refusal(MlopsException e) => Error(e.Message, e.Code switch
    {
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    });

    public IResult Unavailable(string message) => Error(message, StatusCodes.Status503ServiceUnavailable);

    public IResult Internal(string correlationId)
    {
        ProtocolErrors.Count(ProtocolErrors.Diagnostics, StatusCodes.Status500InternalServerError);
        return Internal500(correlationId);
    }

    private static IResult Internal500(string correlationId) => Results.Json(new
    {
        error = $"internal error; the server log has the details under correlation id {correlationId}",
        correlation_id = correlationId,
    }, statusCode: StatusCodes.Status500InternalServerError);

    public IResult Status(int status, string message) => Error(message, status);

    private static IResult Error(string error, int status)
    {
        ProtocolErrors.Count(ProtocolErrors.Diagnostics, status);
        return Results.Json(new { error }, statusCode: status);
    }
}
