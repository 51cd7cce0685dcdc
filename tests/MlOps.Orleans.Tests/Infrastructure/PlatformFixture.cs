using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using MlOps.Orleans.Gateway.Hosting;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Observability;
using MlOps.Orleans.Silo.Hosting;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>
/// A whole platform in this process, wired exactly as <c>src/Silo</c> wires it (silo + co-hosted endpoints), on free ports,
/// reached over real sockets. Subclasses choose the catalog backend.
/// </summary>
public abstract class PlatformFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "mlops-tests", Guid.NewGuid().ToString("N"));

    // HTTP, gRPC, silo, Orleans gateway, observability: held until the moment the platform binds them (see FreePort).
    private readonly PortReservation _ports = FreePort.Reserve(5);

    public int HttpPort => _ports.Ports[0];
    public int GrpcPort => _ports.Ports[1];
    public int ObservabilityPort => _ports.Ports[4];
    public GrpcChannel Channel { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public Wire.TrackingService.TrackingServiceClient Tracking { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    protected abstract Task<Dictionary<string, string?>> BackendSettingsAsync();

    /// <summary>A fixture's own additions (a fault-raising grain call filter, a log recorder) before the platform is built.</summary>
    protected virtual void Configure(WebApplicationBuilder builder) { }

    public async Task InitializeAsync()
    {
        var settings = await BackendSettingsAsync();
        settings["Mlops:DataDir"] = _dataDir;
        settings["Mlops:HttpPort"] = HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mlops:GrpcPort"] = GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mlops:SiloPort"] = _ports.Ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mlops:OrleansGatewayPort"] = _ports.Ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mlops:Observability:Port"] = ObservabilityPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mlops:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8];
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        var options = builder.AddMlopsDefaults([]);
        await builder.AddMlopsSiloAsync(options);
        builder.AddMlopsEndpoints(options);
        Configure(builder);
        _app = builder.Build();
        _app.MapMlopsObservability();
        _app.MapMlopsEndpoints();
        _ports.Dispose();
        await _app.StartAsync();
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        Tracking = new Wire.TrackingService.TrackingServiceClient(Channel);
    }

    public virtual async Task DisposeAsync()
    {
        _ports.Dispose();
        Channel?.Dispose();
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { /* best effort: a temp folder */ }
    }
}

/// <summary>The embedded platform: SQLite catalog, localhost clustering.</summary>
public sealed class SqlitePlatformFixture : PlatformFixture
{
    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Mlops:Mode"] = "Embedded" });
}

/// <summary>A cluster-mode silo on a fresh PostgreSQL database: ADO.NET clustering, PubSubStore and catalog.</summary>
public sealed class PostgresPlatformFixture : PlatformFixture
{
    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync() => new()
    {
        ["Mlops:Mode"] = "Cluster",
        ["Mlops:Postgres"] = await TestPostgres.CreateDatabaseAsync("mlops_api"),
        // A cluster refuses to start without a shared online store.
        ["Mlops:Online:Redis"] = Features.Online.Store.RedisTestConnection.Endpoint,
        ["Mlops:Online:KeyPrefix"] = Features.Online.Store.RedisTestConnection.UniquePrefix("api"),
    };
}
