using Grpc.Core;
using Grpc.Core.Interceptors;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Gateway.Common;

/// <summary>
/// The gRPC error path: refusals from grains become the gRPC status that names the problem, cluster trouble UNAVAILABLE,
/// anything else (a bug) INTERNAL with a correlation id that the logged line has too. Every error answer is counted by its
/// status (<see cref="ProtocolErrors"/>). <see cref="Failures"/> decides the kind for
/// gRPC and HTTP alike; the HTTP protocols answer in their own shapes through <see cref="HttpErrorMiddleware"/>.
/// </summary>
internal sealed class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context); }
        catch (Exception e) when (e is not RpcException) { throw Map(e, context); }
        catch (RpcException e)
        {
            ProtocolErrors.Count(e.StatusCode); // a handler's own status, rethrown as it is
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(requestStream, context); }
        catch (Exception e) when (e is not RpcException) { throw Map(e, context); }
        catch (RpcException e)
        {
            ProtocolErrors.Count(e.StatusCode); // a handler's own status, rethrown as it is
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context); }
        catch (Exception e) when (e is not RpcException) { throw Map(e, context); }
        catch (RpcException e)
        {
            ProtocolErrors.Count(e.StatusCode); // a handler's own status, rethrown as it is
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(requestStream, responseStream, context); }
        catch (Exception e) when (e is not RpcException) { throw Map(e, context); }
        catch (RpcException e)
        {
            ProtocolErrors.Count(e.StatusCode); // a handler's own status, rethrown as it is
            throw;
        }
    }

    private static RpcException Counted(RpcException e)
    {
        ProtocolErrors.Count(e.StatusCode);
        return e;
    }

    private RpcException Map(Exception e, ServerCallContext context) => Counted(MapCore(e, context));

    private RpcException MapCore(Exception e, ServerCallContext context)
    {
        switch (Failures.Classify(e, context.CancellationToken))
        {
            case FailureKind.Refusal:
                var m = (MlopsException)e;
                var metadata = new Metadata();
                if (m.Field is not null) metadata.Add("mlops-field", m.Field);
                return new RpcException(new Status(ToStatus(m.Code), Describe(m)), metadata);
            case FailureKind.BadRequest:
                return new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
            case FailureKind.Cancelled:
                return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
            case FailureKind.Unavailable:
                logger.LogWarning(e, "Cluster unavailable for {Method}", context.Method);
                return new RpcException(new Status(StatusCode.Unavailable, $"the cluster did not answer: {e.Message}"));
            default:
                // The same correlation id in the log line and the status, as the HTTP protocols answer a 500.
                var correlationId = context.GetHttpContext().TraceIdentifier;
                logger.LogError(e, "Unhandled error in {Method}, correlation id {CorrelationId}", context.Method, correlationId);
                return new RpcException(new Status(StatusCode.Internal, $"internal error; the server log has the details under correlation id {correlationId}"));
        }
    }

    /// <summary>The message, led by the field it is about unless it already names it.</summary>
    public static string Describe(MlopsException e) =>
        e.Field is null || e.Message.Contains(e.Field, StringComparison.Ordinal) ? e.Message : $"{e.Field}: {e.Message}";

    public static StatusCode ToStatus(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument => StatusCode.InvalidArgument,
        ErrorCode.NotFound => StatusCode.NotFound,
        ErrorCode.AlreadyExists => StatusCode.AlreadyExists,
        ErrorCode.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorCode.Unavailable => StatusCode.Unavailable,
        ErrorCode.ResourceExhausted => StatusCode.ResourceExhausted,
        _ => StatusCode.Unknown,
    };
}
