using System.Globalization;
using MlOps.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>
/// The loopback guard in the real silo process: a non-loopback bind, or a listener from the Kestrel or Orleans
/// configuration sections, stops the start before anything listens; with Mlops:AllowUnauthenticated the process starts and its log names what is open.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Process)]
public sealed class ExposureProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public Task A_silo_refuses_to_expose_itself_unless_told_and_then_names_every_surface() => _scope.RunAsync(async () =>
    {
        var extraPort = PlatformPorts.Allocate().Http;
        // The two refusals exit while settings are read, so they run beside the allowed start rather than after it.
        var refusedBind = Refused("refused-bind", new() { ["Mlops__BindAddress"] = "0.0.0.0" });
        var extra = extraPort.ToString(CultureInfo.InvariantCulture);
        var refusedSections = Refused("refused-sections", new()
        {
            ["Kestrel__Endpoints__Extra__Url"] = $"http://127.0.0.1:{extra}",
            ["Orleans__Endpoints__GatewayListeningEndpoint"] = $"127.0.0.1:{extra}",
        });
        var ports = PlatformPorts.Allocate();
        var allowed = await _scope.StartAsync(PlatformApp.Silo, "allowed", ports, ["--data-dir", _scope.CreateDirectory("data-allowed")],
            new Dictionary<string, string> { ["Mlops__BindAddress"] = "0.0.0.0", ["Mlops__AllowUnauthenticated"] = "true" });

        var bind = await refusedBind;
        Assert.Contains("Mlops:BindAddress/AdvertisedAddress 0.0.0.0 is not a loopback address", bind, StringComparison.Ordinal);
        Assert.Contains("Mlops:AllowUnauthenticated=true", bind, StringComparison.Ordinal);
        var sections = await refusedSections;
        Assert.Contains($"Kestrel:Endpoints:Extra:Url=http://127.0.0.1:{extra}", sections, StringComparison.Ordinal);
        Assert.Contains($"Orleans:Endpoints:GatewayListeningEndpoint=127.0.0.1:{extra}", sections, StringComparison.Ordinal);

        var log = allowed.Output;
        Assert.Contains("Mlops:AllowUnauthenticated is set and 0.0.0.0 is not loopback", log, StringComparison.Ordinal);
        var http = ports.Http.ToString(CultureInfo.InvariantCulture);
        foreach (var surface in new[]
                 {
                     $"MLflow REST and artifact proxy http://0.0.0.0:{http}/api/2.0/mlflow", $"Feast HTTP http://0.0.0.0:{http}/get-online-features",
                     $"health http://0.0.0.0:{http}/health", $"gRPC 0.0.0.0:{ports.Grpc.ToString(CultureInfo.InvariantCulture)}",
                 })
            Assert.Contains(surface, log, StringComparison.Ordinal);
        // Diagnostics stay off, so they are not named as open.
        Assert.DoesNotContain($"diagnostics http://0.0.0.0:{http}/debug", log, StringComparison.Ordinal);
    });

    /// <summary>Starts an embedded silo that must exit by itself before listening; its output.</summary>
    private async Task<string> Refused(string name, Dictionary<string, string> environment)
    {
        await using var silo = PlatformProcess.Start(PlatformApp.Silo, name, PlatformPorts.Allocate(),
            ["--data-dir", _scope.CreateDirectory("data-" + name)], environment, _scope.CreateDirectory("cwd-" + name));
        var exitCode = await silo.WaitForExitAsync(ExitTimeout);
        _scope.Log($"{name} exited with {exitCode.ToString(CultureInfo.InvariantCulture)}");
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("Now listening on", silo.Output, StringComparison.Ordinal);
        return silo.Output;
    }
}
