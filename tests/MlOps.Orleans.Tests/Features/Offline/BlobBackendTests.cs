using System.Security.Cryptography;
using Azure.Storage.Blobs;
using MlOps.Orleans.Artifacts.Blob;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Tests.Artifacts;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>
/// The same retrieval over Azure Blob (Azurite), where files are read through the local cache, gives the same bytes as
/// over the local backend, where they are read in place.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class BlobBackendTests : IAsyncLifetime
{
    private BlobContainerClient? _container;
    private OfflineTestHost _blob = null!;
    private readonly OfflineTestHost _local = new();

    public async Task InitializeAsync()
    {
        _container = new BlobContainerClient(TestAzurite.ConnectionString, TestAzurite.NewContainerName());
        var store = new BlobArtifactStore(_container);
        await store.InitializeAsync();
        _blob = new OfflineTestHost(store);
    }

    public async Task DisposeAsync()
    {
        if (_container is not null) await _container.DeleteIfExistsAsync();
        _blob?.Dispose(); // null when Azurite was missing
        _local.Dispose();
    }

    [SkippableFact]
    public async Task Blob_backend_matches_local_backend_byte_for_byte()
    {
        var scenario = new PointInTimeScenario(seed: 5, entityRows: 600);
        var entityFrame = scenario.EntityFrame();
        var digests = new List<string>();
        foreach (var host in new[] { _local, _blob })
        {
            var (job, _) = await scenario.WriteAsync(host, filterByCreated: false);
            await host.WriteParquetArtifactAsync("input/entities.parquet", entityFrame);
            job = job with { EntityRows = EntityInput.FromArtifact("input/entities.parquet") };
            await host.Store.GetHistoricalFeaturesAsync(job, host.OutputPath(), CancellationToken.None);
            digests.Add(Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(host.OutputPath()))));
        }
        Assert.Equal(digests[0], digests[1]);
        // Local files are read in place; blobs were copied to the cache (two hourly files, two CSV files, the entity file).
        Assert.False(Directory.Exists(_local.Options.CacheDirectory) && Directory.EnumerateFiles(_local.Options.CacheDirectory, "*", SearchOption.AllDirectories).Any());
        Assert.Equal(5, Directory.EnumerateFiles(_blob.Options.CacheDirectory, "*", SearchOption.AllDirectories).Count());
    }

    [SkippableFact]
    public async Task Push_to_blob_then_retrieve()
    {
        var push = Push("rates_push", [F("driver_id", VT.Int64), F("event_ts", VT.Timestamp), F("rate", VT.Float64)]);
        await _blob.Store.AppendPushedRowsAsync(push, new Frames(("driver_id", VT.Int64), ("event_ts", VT.Timestamp), ("rate", VT.Float64))
            .Row(1L, T("2024-01-01T10:00:00Z"), 1.0).Row(1L, T("2024-01-03T10:00:00Z"), 3.0).Build(), CancellationToken.None);
        var view = View("rates", ["driver"], [F("rate", VT.Float64)], "rates_push", TimeSpan.FromDays(1));
        var entities = new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp))
            .Row(1L, T("2024-01-01T12:00:00Z")).Row(1L, T("2024-01-02T12:00:00Z")).Row(1L, T("2024-01-03T12:00:00Z")).Build();

        await _blob.Store.GetHistoricalFeaturesAsync(Job(EntityInput.FromFrame(entities), [Select(view, "rate")], [push], [PointInTimeScenario.Driver]),
            _blob.OutputPath(), CancellationToken.None);

        Assert.Equal([1.0, null, 3.0], (await TrainingSetFile.ReadAsync(_blob.OutputPath())).Column("rate"));
    }
}
