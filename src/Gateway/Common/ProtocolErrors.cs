using System.Diagnostics.Metrics;
using Grpc.Core;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Gateway.Common;

/// <summary>
/// Error answers per protocol, tagged with the code the client sees: the gRPC status (<c>NotFound</c>, <c>Internal</c>...),
/// MLflow's <c>error_code</c> (<c>RESOURCE_DOES_NOT_EXIST</c>...), and for Feast and <c>/debug</c> the HTTP status. Recorded
/// on each protocol's one error path (<see cref="ErrorInterceptor"/>, the <see cref="IHttpErrorShape"/>s), so every error
/// answer is counted once. Tag values are constants or built once, so counting allocates nothing.
/// </summary>
internal static class ProtocolErrors
{
    public const string Grpc = "grpc";
    public const string Mlflow = "mlflow";
    public const string Feast = "feast";
    public const string Diagnostics = "diagnostics";

    public static readonly Counter<long> Errors = Stages.Meter.CreateCounter<long>("mlops.errors", "{error}",
        "Error answers by protocol and the protocol's own code (gRPC status, MLflow error_code, HTTP status)");

    private static readonly KeyValuePair<string, object?> GrpcTag = new("protocol", Grpc);
    private static readonly KeyValuePair<string, object?>[] GrpcCodes =
        [.. Enumerable.Range(0, 17).Select(c => new KeyValuePair<string, object?>("code", ((StatusCode)c).ToString()))];
    // HTTP error statuses as tag strings, made once: 400..599.
    private static readonly string[] HttpStatuses = [.. Enumerable.Range(400, 200).Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    public static void Count(StatusCode code)
    {
        if (!Errors.Enabled) return;
        var i = (int)code;
        var tag = i >= 0 && i < GrpcCodes.Length ? GrpcCodes[i] : new KeyValuePair<string, object?>("code", code.ToString());
        Errors.Add(1, GrpcTag, tag);
    }

    /// <summary>An HTTP protocol's error; <paramref name="protocol"/> and <paramref name="code"/> are constants of the caller.</summary>
    public static void Count(string protocol, string code)
    {
        if (Errors.Enabled) Errors.Add(1, new KeyValuePair<string, object?>("protocol", protocol), new KeyValuePair<string, object?>("code", code));
    }

    /// <summary>An HTTP protocol whose code is the status itself.</summary>
    public static void Count(string protocol, int status)
    {
        if (!Errors.Enabled) return;
        Count(protocol, status is >= 400 and < 600 ? HttpStatuses[status - 400] : status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
