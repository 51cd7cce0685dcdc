using Grpc.Reflection.V1Alpha;
using Diag = MlOps.Orleans.Protos.Diagnostics.V1;

namespace MlOps.Orleans.Tests.Tracking;

public abstract partial class TrackingApiTests
{
    /// <summary>The benchmarks' gRPC floor: mapped always (not behind the /debug switch), answering an empty reply.</summary>
    [Fact]
    public async Task Diagnostics_ping_answers_on_the_grpc_endpoint_and_is_listed()
    {
        var reply = await new Diag.Diagnostics.DiagnosticsClient(platform.Channel).PingAsync(new Diag.PingRequest());
        Assert.Equal(new Diag.PingReply(), reply);

        using var call = new ServerReflection.ServerReflectionClient(platform.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "mlops.diagnostics.v1.Diagnostics");
    }
}
