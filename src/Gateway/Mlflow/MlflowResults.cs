using System.Text.Json;
using System.Text.Json.Serialization;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Gateway.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow's response shapes: JSON bodies, <c>{error_code, message}</c> errors with MLflow's status codes.</summary>
internal static class MlflowResults
{
    public static readonly JsonSerializerOptions Json = new()
    {
        // Protobuf's JSON form, which MLflow emits: NaN and the infinities as strings, absent fields left out.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // MLflow writes ' and other printable characters as they are ("Run 'abc' not found"); some clients match on the
        // text. The bodies are application/json answers to API calls, never pages a browser renders.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object body) => Results.Json(body, Json);

    public static IResult Empty() => Results.Json(new { }, Json);

    /// <summary>Every MLflow error answer but the 500 is made here, so it is counted here (<paramref name="code"/> is a constant).</summary>
    public static IResult Error(string code, string message, int status)
    {
        ProtocolErrors.Count(ProtocolErrors.Mlflow, code);
        return Results.Json(new { error_code = code, message }, Json, statusCode: status);
    }

    public static IResult From(MlopsException e) => e.Code switch
    {
        ErrorCode.NotFound => Error("RESOURCE_DOES_NOT_EXIST", e.Message, StatusCodes.Status404NotFound),
        ErrorCode.AlreadyExists => Error("RESOURCE_ALREADY_EXISTS", e.Message, StatusCodes.Status400BadRequest),
        ErrorCode.Unavailable => Error("TEMPORARILY_UNAVAILABLE", e.Message, StatusCodes.Status503ServiceUnavailable),
        ErrorCode.ResourceExhausted => Error("RESOURCE_EXHAUSTED", e.Message, StatusCodes.Status429TooManyRequests),
        // MLflow answers a write to a deleted run, and other state conflicts, with INVALID_PARAMETER_VALUE.
        _ => Error("INVALID_PARAMETER_VALUE", e.Message, StatusCodes.Status400BadRequest),
    };

    /// <summary>Null for an empty list, so the field is left out as MLflow's protobuf JSON leaves it out.</summary>
    public static IReadOnlyList<T>? NonEmpty<T>(IEnumerable<T> items)
    {
        var list = items as IReadOnlyList<T> ?? items.ToList();
        return list.Count == 0 ? null : list;
    }
}
