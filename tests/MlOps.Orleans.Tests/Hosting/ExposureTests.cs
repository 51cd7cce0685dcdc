using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using MlOps.Orleans.Gateway.Hosting;
using MlOps.Orleans.Hosting.Clustering;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Exposure;
using MlOps.Orleans.Tests.Gateway;
using MlOps.Orleans.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace MlOps.Orleans.Tests.Hosting;

/// <summary>Until authentication exists, nothing binds beyond loopback unless told to, and then it says what is open.</summary>
[Trait("Category", Category.Unit)]
public sealed class ExposureTests
{
    private static MlopsOptions Load(params (string Key, string Value)[] settings) =>
        MlopsOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Theory]
    [InlineData("Mlops:BindAddress", "0.0.0.0")]
    [InlineData("Mlops:BindAddress", "::")]
    [InlineData("Mlops:BindAddress", "10.1.2.3")]
    [InlineData("Mlops:AdvertisedAddress", "192.168.1.20")]
    public void A_non_loopback_address_is_refused_naming_the_setting_that_allows_it(string key, string address)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Load((key, address)));
        Assert.Contains(address, e.Message, StringComparison.Ordinal);
        Assert.Contains("Mlops:AllowUnauthenticated=true", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Kestrel:Endpoints:Extra:Url", "http://0.0.0.0:8080")]
    [InlineData("Orleans:Endpoints:GatewayListeningEndpoint", "0.0.0.0:30000")]
    [InlineData("Orleans:Endpoints:SiloListeningEndpoint", "127.0.0.1:11112")]
    public void A_listener_from_kestrel_or_orleans_configuration_is_refused_even_with_the_flag(string key, string value)
    {
        // Kestrel and Orleans would bind it beside Mlops:BindAddress, out of sight of the guard and the warning.
        var e = Assert.Throws<InvalidOperationException>(() => Load((key, value), ("Mlops:AllowUnauthenticated", "true")));
        Assert.Contains($"{key}={value}", e.Message, StringComparison.Ordinal);
        Assert.Contains("set Mlops:BindAddress, Mlops:AdvertisedAddress and the Mlops ports", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    public void Loopback_addresses_need_no_flag(string address) =>
        Assert.Empty(Load(("Mlops:BindAddress", address)).NonLoopbackAddresses());

    [Fact]
    public async Task With_the_flag_the_start_names_every_exposed_surface()
    {
        var options = Load(("Mlops:BindAddress", "0.0.0.0"), ("Mlops:AllowUnauthenticated", "true"));
        var services = new ServiceCollection();
        ExposedSurfaces.Of(services).Add("MLflow REST http://0.0.0.0:5000/api/2.0/mlflow").Add("gRPC 0.0.0.0:5001");
        Assert.Same(ExposedSurfaces.Of(services), ExposedSurfaces.Of(services));
        var logs = new LogRecorder();
        services.AddSingleton(options).AddLogging(l => l.AddProvider(logs));
        await using var provider = services.BuildServiceProvider();
        var warning = Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>());
        await warning.StartAsync(CancellationToken.None);

        var line = Assert.Single(logs.Lines, l => l.Level == LogLevel.Warning).Line;
        Assert.Contains("Mlops:AllowUnauthenticated", line, StringComparison.Ordinal);
        Assert.Contains("MLflow REST http://0.0.0.0:5000/api/2.0/mlflow", line, StringComparison.Ordinal);
        Assert.Contains("gRPC 0.0.0.0:5001", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_silo_wired_as_src_Silo_names_its_http_grpc_and_orleans_ports()
    {
        var options = Load(("Mlops:Mode", "Cluster"), ("Mlops:Postgres", "Host=db"), ("Mlops:BindAddress", "0.0.0.0"),
            ("Mlops:AdvertisedAddress", "10.0.0.5"), ("Mlops:AllowUnauthenticated", "true"), ("Mlops:HttpPort", "5100"),
            ("Mlops:GrpcPort", "5101"), ("Mlops:SiloPort", "11200"), ("Mlops:OrleansGatewayPort", "30200"));
        // Wired, not started: nothing is bound or contacted.
        var builder = WebApplication.CreateBuilder();
        builder.UseOrleans(silo => silo.UseMlopsClustering(options));
        builder.AddMlopsEndpoints(options);

        var surfaces = string.Join("; ", ExposedSurfaces.Of(builder.Services).Surfaces);
        foreach (var surface in new[]
                 {
                     "MLflow REST and artifact proxy http://0.0.0.0:5100/api/2.0/mlflow", "Feast HTTP http://0.0.0.0:5100/get-online-features",
                     "health http://0.0.0.0:5100/health", "gRPC 0.0.0.0:5101", "Orleans silo-to-silo 10.0.0.5:11200", "Orleans client gateway 10.0.0.5:30200",
                 })
            Assert.Contains(surface, surfaces, StringComparison.Ordinal);
        Assert.DoesNotContain("/debug", surfaces, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_loopback_nothing_is_logged()
    {
        var services = new ServiceCollection();
        ExposedSurfaces.Of(services).Add("gRPC 127.0.0.1:5001");
        var logs = new LogRecorder();
        services.AddSingleton(Load()).AddLogging(l => l.AddProvider(logs));
        await using var provider = services.BuildServiceProvider();
        await Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>()).StartAsync(CancellationToken.None);
        Assert.Empty(logs.Lines);
    }
}
