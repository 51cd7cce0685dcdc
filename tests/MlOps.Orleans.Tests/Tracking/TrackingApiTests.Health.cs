using System.Net;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace MlOps.Orleans.Tests.Tracking;

public abstract partial class TrackingApiTests
{
    [Fact]
    public async Task Health_endpoints_answer_live_and_ready()
    {
        Assert.Equal(HttpStatusCode.OK, (await platform.Http.GetAsync("/health/live")).StatusCode);
        var ready = await platform.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var grpc = await new Health.HealthClient(platform.Channel).CheckAsync(new HealthCheckRequest { Service = "mlops.tracking.v1.TrackingService" });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, grpc.Status);
    }

    [Fact]
    public async Task Reflection_lists_the_tracking_service()
    {
        using var call = new ServerReflection.ServerReflectionClient(platform.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "mlops.tracking.v1.TrackingService");
    }
}
