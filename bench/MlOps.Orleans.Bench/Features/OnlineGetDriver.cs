using Grpc.Net.Client;
using MlOps.Orleans.Bench.Client;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Bench.Features;

/// <summary>
/// The client the online-get open loop sends its calls with. <c>dotnet</c> is what a .NET application would use
/// (Grpc.Net.Client over SocketsHttpHandler); <c>raw</c> is <see cref="RawGrpcConnection{TResponse}"/>, which sends the
/// same bytes for a fraction of the CPU and no thread hand-off, so on two shared cores the figure is mostly the server's;
/// <c>raw-small-window</c> is the same with SocketsHttpHandler's 64 KiB stream window, to tell a client-side stall from a
/// server-side one in flow control. All check every answer the same way.
/// </summary>
internal sealed class OnlineGetDriver : IDisposable
{
    // A deadline, so that a call which never gets an answer is counted as failed instead of holding the window open forever
    // (seen once on 2026-11-27: one HTTP/2 stream waited for headers the server had no record of).
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);
    private readonly Feat.FeatureStoreService.FeatureStoreServiceClient? _client;
    private readonly RawGrpcClient<Feat.GetOnlineFeaturesResponse>? _raw;
    private readonly CancellationToken _ct;

    private OnlineGetDriver(string name, Feat.FeatureStoreService.FeatureStoreServiceClient? client, RawGrpcClient<Feat.GetOnlineFeaturesResponse>? raw, CancellationToken ct)
    {
        Name = name;
        _client = client;
        _raw = raw;
        _ct = ct;
    }

    public static readonly string[] Names = ["dotnet", "raw", "raw-small-window"];

    public string Name { get; }

    public static OnlineGetDriver Open(string name, GrpcChannel channel, Uri target, CancellationToken ct) => name switch
    {
        "dotnet" => new OnlineGetDriver(name, new Feat.FeatureStoreService.FeatureStoreServiceClient(channel), null, ct),
        "raw" => new OnlineGetDriver(name, null, OpenRaw(target, int.MaxValue), ct),
        // SocketsHttpHandler's starting stream window: a 100-entity answer (~90 KB) then crosses HTTP/2 flow control.
        "raw-small-window" => new OnlineGetDriver(name, null, OpenRaw(target, 65_535), ct),
        _ => throw new ArgumentException($"unknown driver '{name}'", nameof(name)),
    };

    private static RawGrpcClient<Feat.GetOnlineFeaturesResponse> OpenRaw(Uri target, int streamWindow) =>
        RawGrpcClient<Feat.GetOnlineFeaturesResponse>.Open(target, $"/{Feat.FeatureStoreService.Descriptor.FullName}/GetOnlineFeatures",
            Feat.GetOnlineFeaturesResponse.Parser, CallDeadline, streamWindow);

    public async Task<Feat.GetOnlineFeaturesResponse> GetAsync(Feat.GetOnlineFeaturesRequest request)
    {
        if (_raw is not null) return await _raw.CallAsync(request);
        return await _client!.GetOnlineFeaturesAsync(request, deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: _ct);
    }

    public void Dispose() => _raw?.Dispose();
}
