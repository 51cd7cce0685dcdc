using Grpc.Core;
using Wire = MlOps.Orleans.Protos.Diagnostics.V1;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>
/// The no-op unary method benchmarks call "the gRPC floor": what any call on this endpoint costs before it reaches a grain.
/// It touches nothing and reveals nothing, so it is mapped always (unlike the /debug views).
/// </summary>
internal sealed class DiagnosticsGrpcService : Wire.Diagnostics.DiagnosticsBase
{
    // One shared reply: an empty message is immutable in practice, and allocating nothing keeps the floor a floor.
    private static readonly Task<Wire.PingReply> Reply = Task.FromResult(new Wire.PingReply());

    public override Task<Wire.PingReply> Ping(Wire.PingRequest request, ServerCallContext context) => Reply;
}
