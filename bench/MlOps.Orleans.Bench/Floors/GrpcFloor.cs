using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using Diag = MlOps.Orleans.Protos.Diagnostics.V1;

namespace MlOps.Orleans.Bench.Floors;

/// <summary>
/// The gRPC floor (issue 15): the server's no-op <c>Diagnostics/Ping</c> on the same Kestrel endpoint as the workload, sent
/// open loop at the workload's rate with both drivers (Grpc.Net.Client and <see cref="RawGrpcConnection{TResponse}"/>), each
/// a judged run of its own windows, percentiles over all requests of the kept windows. What a workload's latency adds
/// above this is ours to explain; what is below it is HTTP/2, Kestrel and the client.
/// </summary>
internal static class GrpcFloor
{
    public static readonly string[] Drivers = ["dotnet", "raw"];

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    /// <summary>The floor per driver name, at <paramref name="rate"/> calls/s for <paramref name="windows"/> windows of
    /// <paramref name="duration"/>, on <paramref name="channel"/> (the workload's own, for the dotnet driver), each driver
    /// after a <paramref name="warmup"/> of its own: the workload's, since a cold client's floor would be no floor.</summary>
    public static Task<IReadOnlyDictionary<string, LatencyRun>> MeasureAsync(Common common, BenchTarget target, MeasuredProcesses measured,
        int? extraPid, GrpcChannel channel, double rate, TimeSpan duration, int windows, TimeSpan warmup, CancellationToken ct) =>
        MeasureAsync(common, target.Grpc, measured, extraPid, channel, rate, duration, windows, warmup, ct);

    /// <summary>The same for a server known by its gRPC endpoint <paramref name="grpc"/> (a PlatformTarget's).</summary>
    public static async Task<IReadOnlyDictionary<string, LatencyRun>> MeasureAsync(Common common, Uri grpc, MeasuredProcesses measured,
        int? extraPid, GrpcChannel channel, double rate, TimeSpan duration, int windows, TimeSpan warmup, CancellationToken ct)
    {
        var floors = new Dictionary<string, LatencyRun>(StringComparer.Ordinal);
        var client = new Diag.Diagnostics.DiagnosticsClient(channel);
        using var raw = RawGrpcClient<Diag.PingReply>.Open(grpc, $"/{Diag.Diagnostics.Descriptor.FullName}/Ping", Diag.PingReply.Parser, CallDeadline);
        var request = new Diag.PingRequest();
        foreach (var driver in Drivers)
        {
            Func<long, Task> call = driver == "dotnet"
                ? _ => client.PingAsync(request, deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: ct).ResponseAsync
                : _ => raw.CallAsync(request);
            if (warmup > TimeSpan.Zero) await OpenLoop.RunAsync(rate, warmup, call, new ErrorLog());
            var run = await common.Window.RunAsync(measured, extraPid, windows, async _ =>
            {
                var log = new ErrorLog(abortAfter: int.MaxValue);
                return (Loop: await OpenLoop.RunAsync(rate, duration, call, log), Errors: log);
            }, ct);
            var floor = new LatencyRun(driver, rate, run);
            Console.Error.WriteLine($"#   gRPC floor ({driver}) at {rate.ToString(CultureInfo.InvariantCulture)}/s: {floor}");
            floors[driver] = floor;
        }
        return floors;
    }
}
