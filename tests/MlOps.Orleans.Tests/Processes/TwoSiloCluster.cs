using System.Globalization;
using Grpc.Net.Client;
using Npgsql;
using Api = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>
/// Two cluster-mode silo processes and one standalone gateway process on a fresh PostgreSQL database. Tests talk to the
/// gateway only; the silos serve endpoints too, on their own ports, so each has a readiness probe.
/// </summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    private const int ActiveStatus = 3; // Orleans SiloStatus.Active in the membership table
    private static readonly TimeSpan MembershipTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PlacementTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PlacementPollInterval = TimeSpan.FromMilliseconds(200);
    private GrpcChannel? _channel;
    private HttpClient? _http;

    public ProcessScope Scope { get; } = new();

    public PlatformProcess SiloA { get; private set; } = null!;

    public PlatformProcess SiloB { get; private set; } = null!;

    public PlatformProcess Gateway { get; private set; } = null!;

    public Api.TrackingService.TrackingServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Before the try: a missing PostgreSQL reaches the tests as it is (a skip, when allowed), not as a failed start.
        var postgres = await Scope.CreatePostgresDatabaseAsync();
        try
        {
            var clusterId = "multi-" + Guid.NewGuid().ToString("N")[..8];
            // Both silos start at once: migrations and the Orleans schema setup must tolerate concurrent starts.
            var a = Scope.StartClusterSiloAsync("silo-a", postgres, clusterId, PlatformPorts.Allocate());
            var b = Scope.StartClusterSiloAsync("silo-b", postgres, clusterId, PlatformPorts.Allocate());
            await Task.WhenAll(a, b);
            (SiloA, SiloB) = (await a, await b);
            await WaitForActiveSilosAsync(postgres, clusterId, 2);
            Gateway = await Scope.StartGatewayAsync("gateway", postgres, clusterId, PlatformPorts.Allocate());
            _channel = Gateway.CreateChannel();
            _http = new HttpClient { BaseAddress = Gateway.HttpAddress, Timeout = TrackingCalls.CallTimeout };
            Client = new Api.TrackingService.TrackingServiceClient(_channel);
        }
        catch (Exception e)
        {
            var diagnostics = Scope.Diagnostics();
            await DisposeAsync();
            throw new InvalidOperationException($"starting silo A, silo B and the gateway failed: {e}\n\n----- platform processes -----\n{diagnostics}", e);
        }
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        _http?.Dispose();
        await Scope.DisposeAsync();
    }

    /// <summary>
    /// Creates runs through the gateway until one is active on each silo: placement may put any run anywhere (and early
    /// in a cluster's life it often keeps them all on one silo), so the test asks the gateway where each run's grain lives.
    /// </summary>
    public async Task<(string OnA, string OnB)> CreateRunOnEachSiloAsync(string experimentId)
    {
        string? onA = null, onB = null;
        var seen = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (onA is null || onB is null)
        {
            if (clock.Elapsed > PlacementTimeout)
                throw new InvalidOperationException($"within {PlacementTimeout.TotalSeconds:F0} s and {seen.Count} runs no run was placed on silo " +
                    $"{(onA is null ? "A" : "B")} (A :{SiloA.Ports.Silo}, B :{SiloB.Ports.Silo}); placements: " +
                    string.Join(", ", seen.GroupBy(x => x).Select(g => $"{g.Key} x{g.Count()}")));
            if (seen.Count > 0) await Task.Delay(PlacementPollInterval);
            var runId = await TrackingCalls.CreateRunAsync(Client, experimentId, $"placement-{seen.Count}");
            var silo = await SiloOfAsync(runId);
            seen.Add(silo);
            var port = SiloPort(silo);
            if (port == SiloA.Ports.Silo) onA ??= runId;
            else if (port == SiloB.Ports.Silo) onB ??= runId;
            else throw new InvalidOperationException($"run {runId} lives on {silo}, which is neither silo A (:{SiloA.Ports.Silo}) nor silo B (:{SiloB.Ports.Silo})");
        }
        Scope.Log($"placement: {string.Join(", ", seen.GroupBy(SiloPort).Select(g => $":{g.Key} x{g.Count()}"))} after {seen.Count} runs in {clock.Elapsed.TotalSeconds:F1} s");
        // Ask again: a run that moved between the question and the test would make the test prove nothing.
        AssertStillOn(SiloA, onA, await SiloOfAsync(onA));
        AssertStillOn(SiloB, onB, await SiloOfAsync(onB));
        return (onA, onB);
    }

    /// <summary>Polls the Orleans membership table until <paramref name="count"/> silos of the cluster are Active.</summary>
    private async Task WaitForActiveSilosAsync(string postgres, string clusterId, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = "none";
        await using var data = NpgsqlDataSource.Create(postgres);
        while (clock.Elapsed < MembershipTimeout)
        {
            await using var command = data.CreateCommand(
                "SELECT address, port, status FROM orleansmembershiptable WHERE deploymentid = $1 ORDER BY port");
            command.Parameters.AddWithValue(clusterId);
            var active = 0;
            var all = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    all.Add($"{reader.GetString(0)}:{reader.GetInt32(1)} status {reader.GetInt32(2)}");
                    if (reader.GetInt32(2) == ActiveStatus) active++;
                }
            }
            rows = all.Count == 0 ? "none" : string.Join(", ", all);
            if (active == count)
            {
                Scope.Log($"membership: {rows}");
                return;
            }
            await Task.Delay(PlacementPollInterval);
        }
        throw new TimeoutException($"the membership table never listed {count} active silos within {MembershipTimeout.TotalSeconds:F0} s; last rows: {rows}");
    }

    /// <summary>The silo address (e.g. <c>S127.0.0.1:11111:123456789</c>) of the run's grain activation, from the gateway.</summary>
    public async Task<string> SiloOfAsync(string runId)
    {
        using var response = await _http!.GetAsync(new Uri($"debug/runs/{runId}/silo", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET /debug/runs/{runId}/silo answered {(int)response.StatusCode}: {body}");
        return body.Trim();
    }

    public void AssertStillOn(PlatformProcess silo, string runId, string siloAddress) =>
        Assert.True(SiloPort(siloAddress) == silo.Ports.Silo, $"run {runId} moved from {silo.Name} to {siloAddress}");

    private static int SiloPort(string siloAddress)
    {
        var parts = siloAddress.TrimStart('S').Split(':');
        return parts.Length >= 2 && int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new FormatException($"'{siloAddress}' is not a silo address like S127.0.0.1:11111:123456789");
    }
}
