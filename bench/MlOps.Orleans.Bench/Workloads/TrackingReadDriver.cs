using Google.Protobuf;
using Grpc.Net.Client;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One client sending a tracking read (SearchRuns, GetMetricHistory): <c>dotnet</c> is Grpc.Net.Client on the workload's
/// channel (the standard client, the one the gRPC floor's dotnet driver uses too), <c>raw</c> is
/// <see cref="RawGrpcConnection{TResponse}"/> on a connection of its own. Both parse the whole answer, so both can be checked.
/// </summary>
internal sealed class TrackingReadDriver<TRequest, TResponse> : IDisposable
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public static readonly string[] Names = ["dotnet", "raw"];

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    private readonly RawGrpcConnection<TResponse>? _raw;
    private readonly Func<TRequest, Task<TResponse>> _call;

    private TrackingReadDriver(string name, RawGrpcConnection<TResponse>? raw, Func<TRequest, Task<TResponse>> call)
    {
        Name = name;
        _raw = raw;
        _call = call;
    }

    public string Name { get; }

    /// <param name="method">The TrackingService method's name, for the raw driver's path.</param>
    /// <param name="dotnet">The generated client's call for the dotnet driver, given the deadline.</param>
    public static TrackingReadDriver<TRequest, TResponse> Open(string name, GrpcChannel channel, Uri target, string method, MessageParser<TResponse> parser,
        Func<TrackingService.TrackingServiceClient, TRequest, DateTime, Task<TResponse>> dotnet)
    {
        if (name == "raw")
        {
            var raw = RawGrpcConnection<TResponse>.Open(target, $"/{TrackingService.Descriptor.FullName}/{method}", parser, CallDeadline);
            return new TrackingReadDriver<TRequest, TResponse>(name, raw, request => raw.CallAsync(request));
        }
        if (name != "dotnet") throw new ArgumentOutOfRangeException(nameof(name), name, "not a driver");
        var client = new TrackingService.TrackingServiceClient(channel);
        return new TrackingReadDriver<TRequest, TResponse>(name, null, request => dotnet(client, request, DateTime.UtcNow.Add(CallDeadline)));
    }

    public Task<TResponse> CallAsync(TRequest request) => _call(request);

    public void Dispose() => _raw?.Dispose();
}
