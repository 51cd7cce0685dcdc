using Grpc.Core;
using Grpc.Core.Interceptors;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Gateway.Timing;

/// <summary>
/// Times unary and server-streaming gRPC handlers into <see cref="Stages.Handler"/>, outermost, so the error mapping of
/// <see cref="Common.ErrorInterceptor"/> counts too. Only registered when something reads the timings (diagnostics or an exporter). Client and duplex streams are
/// not timed: a stream lives as long as its client wants, which says nothing about where a request's time goes.
/// </summary>
internal sealed class StageTimingInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stages.Start(Stages.Handler);
        return start == 0 ? continuation(request, context) : TimedUnaryAsync(request, context, continuation, start);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stages.Start(Stages.Handler);
        return start == 0 ? continuation(request, responseStream, context) : TimedStreamAsync(request, responseStream, context, continuation, start);
    }

    private static async Task<TResponse> TimedUnaryAsync<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation, long start)
        where TRequest : class
        where TResponse : class
    {
        var outcome = "error";
        try
        {
            var response = await continuation(request, context);
            outcome = "ok";
            return response;
        }
        finally { Record(context, start, outcome); }
    }

    private static async Task TimedStreamAsync<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation, long start)
        where TRequest : class
        where TResponse : class
    {
        var outcome = "error";
        try
        {
            await continuation(request, responseStream, context);
            outcome = "ok";
        }
        finally { Record(context, start, outcome); }
    }

    // context.Method is the method's path ("/package.Service/Method"): one of a fixed set, so a low-cardinality tag.
    private static void Record(ServerCallContext context, long start, string outcome) =>
        Stages.Handler.Record(Stages.ElapsedMs(start), new("protocol", "grpc"), new("route", context.Method), new("outcome", outcome));
}
