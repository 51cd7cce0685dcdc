using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Artifacts.Hosting;
using MlOps.Orleans.Tests.Infrastructure;
using TrackingWire = MlOps.Orleans.Protos.Tracking.V1;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>The artifact API over real gRPC sockets; every test runs with the folder backend and with Azure Blob (Azurite).</summary>
public abstract partial class ArtifactApiTests(PlatformFixture platform)
{
    protected const int ChunkSize = 64 * 1024;

    protected Wire.ArtifactService.ArtifactServiceClient Api { get; } = new(platform.Channel);

    protected async Task<string> NewRunAsync()
    {
        var experiment = await platform.Tracking.CreateExperimentAsync(new TrackingWire.CreateExperimentRequest { Name = $"artifacts-{Guid.NewGuid():N}" });
        return (await platform.Tracking.CreateRunAsync(new TrackingWire.CreateRunRequest { ExperimentId = experiment.ExperimentId })).Info.RunId;
    }

    protected async Task<Wire.ArtifactInfo> UploadAsync(Wire.UploadHeader header, long length, ulong seed, int chunkSize = ChunkSize)
    {
        using var call = Api.Upload();
        try
        {
            await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Header = header });
            var buffer = new byte[chunkSize];
            for (long position = 0; position < length; position += chunkSize)
            {
                var count = (int)Math.Min(chunkSize, length - position);
                PatternBytes.Fill(buffer.AsSpan(0, count), position, seed);
                await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Chunk = ByteString.CopyFrom(buffer, 0, count) });
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server answered before reading everything (a refusal): its status is in the response, as for any gRPC client.
        }
        return await call;
    }

    protected Task<Wire.ArtifactInfo> UploadToRunAsync(string runId, string path, long length, ulong seed) =>
        UploadAsync(new Wire.UploadHeader { RunId = runId, Path = path }, length, seed);

    protected async Task<(List<Wire.DownloadChunk> Chunks, byte[] Bytes)> DownloadAsync(Wire.DownloadArtifactRequest request)
    {
        using var call = Api.Download(request);
        var chunks = new List<Wire.DownloadChunk>();
        using var bytes = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            chunks.Add(chunk);
            chunk.Data.WriteTo(bytes);
        }
        return (chunks, bytes.ToArray());
    }

    /// <summary>
    /// What a reader of the backend can see. A folder shows every entry, partial files included (a failed upload removes its
    /// own); a blob container shows committed blobs (staged blocks of a failed upload stay invisible until they expire).
    /// </summary>
    protected Task<List<string>> VisibleStoredAsync() => StoredAsync(BlobStates.None);

    /// <summary>Every name the backend holds, blobs with only staged blocks too: a refusal before any byte must not even stage one.</summary>
    protected Task<List<string>> EverythingStoredAsync() => StoredAsync(BlobStates.Uncommitted);

    private async Task<List<string>> StoredAsync(BlobStates states)
    {
        var options = platform.Services.GetRequiredService<ArtifactOptions>();
        if (!options.IsAzureBlob)
            return Directory.Exists(options.Root)
                ? Directory.EnumerateFileSystemEntries(options.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
                : [];
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(options.ConnectionString, options.Container).GetBlobsAsync(new GetBlobsOptions { States = states }))
            names.Add(blob.Name);
        return names.Order(StringComparer.Ordinal).ToList();
    }

    [SkippableFact]
    public async Task Upload_records_size_and_sha256_and_download_returns_the_same_bytes()
    {
        var runId = await NewRunAsync();
        const long size = 3 * 1024 * 1024 + 5;
        var info = await UploadToRunAsync(runId, "model/weights.bin", size, seed: 1);
        Assert.Equal(("model/weights.bin", size, PatternBytes.Sha256(size, 1)), (info.Path, info.Size, info.Sha256));

        var listed = await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId, Path = "model" });
        Assert.Equal(info, Assert.Single(listed.Files));

        var (chunks, bytes) = await DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "model/weights.bin" });
        Assert.Equal(PatternBytes.Sha256(size, 1), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.All(chunks, c => Assert.Equal(size, c.FileSize));
        Assert.All(chunks, c => Assert.InRange(c.Data.Length, 1, 1024 * 1024));
        Assert.Equal(chunks.Select(c => c.Offset), chunks.Select((c, i) => chunks.Take(i).Sum(p => (long)p.Data.Length)));
    }

    [SkippableFact]
    public async Task Download_serves_a_byte_range_and_refuses_an_offset_past_the_end()
    {
        var runId = await NewRunAsync();
        await UploadToRunAsync(runId, "data.bin", 1_000_000, seed: 2);
        var (chunks, bytes) = await DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "data.bin", Offset = 300_000, Length = 400_000 });
        Assert.Equal(PatternBytes.Range(300_000, 400_000, 2), bytes);
        Assert.Equal(300_000, chunks[0].Offset);

        var (tail, tailBytes) = await DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "data.bin", Offset = 999_990 });
        Assert.Equal(PatternBytes.Range(999_990, 10, 2), tailBytes);
        var (end, _) = await DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "data.bin", Offset = 1_000_000 });
        Assert.Equal(1_000_000, Assert.Single(end).FileSize);
        Assert.True(end[0].Data.IsEmpty);
        await Rpc.Refuses(StatusCode.InvalidArgument, () => DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "data.bin", Offset = 1_000_001 }), "offset");
        Assert.Single(tail);
    }

    [SkippableFact]
    public async Task Upload_to_the_same_path_replaces_the_file_and_its_record()
    {
        var runId = await NewRunAsync();
        await UploadToRunAsync(runId, "model.onnx", 200_000, seed: 12);
        var second = await UploadToRunAsync(runId, "model.onnx", 1000, seed: 13);
        Assert.Equal(second, Assert.Single((await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId })).Files));
        Assert.Equal(PatternBytes.Range(0, 1000, 13), (await DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "model.onnx" })).Bytes);
    }

    [SkippableFact]
    public async Task Staging_upload_is_kept_apart_from_every_run_and_downloads_back()
    {
        var staging = Guid.NewGuid().ToString("N");
        var info = await UploadAsync(new Wire.UploadHeader { StagingId = staging, Path = "package/model.onnx" }, 70_000, seed: 16);
        Assert.Equal(PatternBytes.Sha256(70_000, 16), info.Sha256);
        var (_, bytes) = await DownloadAsync(new Wire.DownloadArtifactRequest { StagingId = staging, Path = "package/model.onnx" });
        Assert.Equal(PatternBytes.Range(0, 70_000, 16), bytes);
        await Rpc.Refuses(StatusCode.InvalidArgument, () => UploadAsync(new Wire.UploadHeader { StagingId = staging.ToUpperInvariant(), Path = "x" }, 1, seed: 16), "staging_id");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => DownloadAsync(new Wire.DownloadArtifactRequest { StagingId = "../" + staging[3..], Path = "x" }), "staging_id");
        await Rpc.Refuses(StatusCode.NotFound, () => DownloadAsync(new Wire.DownloadArtifactRequest { StagingId = staging, Path = "package/other.onnx" }));
    }
}

[Trait("Category", Category.Platform)]
public sealed class LocalArtifactApiTests(SqlitePlatformFixture platform) : ArtifactApiTests(platform), IClassFixture<SqlitePlatformFixture>;

[Trait("Category", Category.Platform)]
public sealed class BlobArtifactApiTests(BlobPlatformFixture platform) : ArtifactApiTests(platform), IClassFixture<BlobPlatformFixture>;
