using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Gateway.Common;

/// <summary>
/// One HTTP protocol's error answers (MLflow, Feast, later KServe v2). <see cref="HttpErrorMiddleware"/> picks the shape
/// whose prefix owns the request path and asks it for every error answer, so each protocol has exactly one error path.
/// </summary>
internal interface IHttpErrorShape
{
    /// <summary>The path prefixes this protocol owns; the longest matching prefix wins, <c>/</c> owns what no other does.</summary>
    IReadOnlyList<PathString> Prefixes { get; }

    /// <summary>A refusal, by its code.</summary>
    IResult Refusal(MlopsException e);

    /// <summary>The cluster did not answer: the protocol's 503.</summary>
    IResult Unavailable(string message);

    /// <summary>A bug: the protocol's 500, carrying the correlation id that the logged error line has too.</summary>
    IResult Internal(string correlationId);

    /// <summary>An error status with no body of its own: unmatched path (404), wrong method (405), Kestrel's refusals (400, 413).</summary>
    IResult Status(int status, string message);
}
