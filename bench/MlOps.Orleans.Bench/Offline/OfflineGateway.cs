using System.Globalization;
using System.Text;
using Grpc.Net.Client;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Bench.Offline;

/// <summary>
/// Our side of the comparison as a client sees it: an embedded server started on the bench data (its folder is the only
/// <c>file:</c> source root), the views applied as a feature repository, and <c>GetHistoricalFeatures</c> called over gRPC,
/// so the timed call includes the gateway, the retrieval, the Parquet write into the artifact store, the SHA-256 of the
/// result and its registration in the catalog: everything the caller waits for.
/// </summary>
internal sealed class OfflineGateway : IAsyncDisposable
{
    private readonly ServerProcess _server;
    private readonly GrpcChannel _channel;
    private readonly Feat.FeatureStoreService.FeatureStoreServiceClient _client;
    private readonly int _views;

    private OfflineGateway(ServerProcess server, int views)
    {
        _server = server;
        _views = views;
        // Retrievals of millions of rows take tens of seconds: no deadline of the channel's own cuts them off.
        _channel = GrpcChannel.ForAddress(server.GrpcTarget);
        _client = new Feat.FeatureStoreService.FeatureStoreServiceClient(_channel);
    }

    public MeasuredProcesses Measured => new(_server.Process, null);

    public int ProcessId => _server.Process.Id;

    public static async Task<OfflineGateway> StartAsync(string? siloDll, OfflineBenchData data, int views, int threads, string memoryLimit, CancellationToken ct)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Mlops__Features__SourceRoots__0"] = data.Root,
            ["Mlops__Features__Threads"] = threads.ToString(CultureInfo.InvariantCulture),
            ["Mlops__Features__DuckDbMemoryLimit"] = memoryLimit,
        };
        var spec = new TargetSpec(null, "sqlite", null, siloDll, [], 0, false, environment);
        var server = await ServerProcess.StartAsync(SiloLocator.Find(siloDll), null, spec, ct);
        var gateway = new OfflineGateway(server, views);
        try
        {
            // The entity rows are a dataset in the artifact store (the local store's folder under the data folder).
            var entities = Path.Join(server.DataDir, "artifacts", OfflineBenchData.EntityKey);
            Directory.CreateDirectory(Path.GetDirectoryName(entities)!);
            File.Copy(data.PathOf(OfflineBenchData.EntityKey), entities);
            await gateway._client.ApplyAsync(Repository(data, views), cancellationToken: ct);
            Console.Error.WriteLine($"# started server pid {server.Process.Id} at {server.GrpcTarget} in {server.StartupTime.TotalSeconds:0.0} s (data {server.DataDir}); repository applied");
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>One retrieval; returns the answer and the local path of the training set it names.</summary>
    public async Task<(Feat.TrainingDataset Dataset, string Path)> RetrieveAsync(bool filterByCreated, CancellationToken ct)
    {
        var request = new Feat.GetHistoricalFeaturesRequest
        {
            EntityDataset = OfflineBenchData.EntityKey, EventTimestampColumn = "event_timestamp", FullFeatureNames = true,
            FilterByCreatedTimestamp = filterByCreated, DatasetName = "bench-offline",
        };
        for (var v = 0; v < _views; v++)
            for (var f = 0; f < 3; f++) request.Features.Add($"v{v}:f{f}");
        var dataset = await _client.GetHistoricalFeaturesAsync(request, cancellationToken: ct);
        return (dataset, Path.Join(_server.DataDir, "artifacts", dataset.ArtifactKey));
    }

    public string LogPath => _server.LogPath;

    /// <summary>The server's resident peak (VmHWM) in MiB, from /proc; null where unreadable.</summary>
    public double? PeakResidentMiB()
    {
        var status = $"/proc/{_server.Process.Id}/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kib, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? Math.Round(k / 1024.0, 1) : null;
    }

    private static Feat.ApplyRequest Repository(OfflineBenchData data, int views)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("entities:");
        yaml.AppendLine("  - name: driver");
        yaml.AppendLine("    join_keys: [{name: driver_id, type: int64}]");
        yaml.AppendLine("sources:");
        for (var v = 0; v < views; v++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - name: v{v}_src");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    path: \"file:{Path.Join(data.Root, "bench", "views", $"v{v}")}/*.parquet\"");
            yaml.AppendLine("    timestamp_field: event_ts");
            yaml.AppendLine("    created_timestamp_field: created_ts");
        }
        yaml.AppendLine("feature_views:");
        for (var v = 0; v < views; v++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - name: v{v}");
            yaml.AppendLine("    entities: [driver]");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    source: v{v}_src");
            if (OfflineBenchData.Ttls[v % OfflineBenchData.Ttls.Length] is { } ttl)
                yaml.AppendLine(CultureInfo.InvariantCulture, $"    ttl: {(long)ttl.TotalSeconds}");
            yaml.AppendLine("    online: false");
            yaml.AppendLine("    schema: [{name: f0, type: float64}, {name: f1, type: int64}, {name: f2, type: float32}]");
        }
        var request = new Feat.ApplyRequest();
        request.Files.Add(new Feat.RepositoryFile { Path = "bench/offline.yaml", Content = yaml.ToString() });
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }
}
