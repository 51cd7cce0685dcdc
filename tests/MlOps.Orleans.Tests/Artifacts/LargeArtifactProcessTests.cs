using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using MlOps.Orleans.Tests.Processes;
using Xunit.Abstractions;
using MlOps.Orleans.Tests.Infrastructure;
using TrackingWire = MlOps.Orleans.Protos.Tracking.V1;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>
/// A file far larger than the server's whole managed heap streams through it both ways: the embedded platform runs as a child
/// process with <c>DOTNET_GCHeapHardLimit</c> at 256 MiB, so holding the 2 GiB file (or any large part of it) would kill it.
/// This side never holds it either: bytes are generated, hashed and checked as they stream.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Slow)]
public sealed class LargeArtifactProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Size = 2L << 30;
    private const int ChunkSize = 64 * 1024;
    private const ulong Seed = 2026;
    private const string HeapLimit = "0x10000000"; // 256 MiB
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public Task Two_GiB_file_streams_up_and_down_through_a_server_limited_to_a_256_MiB_heap() => _scope.RunAsync(async () =>
    {
        var server = await _scope.StartAsync(PlatformApp.Silo, "embedded", PlatformPorts.Allocate(), ["--data-dir", _scope.CreateDirectory("data")],
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = HeapLimit });
        Assert.Contains($"DOTNET_GCHeapHardLimit={HeapLimit}", (await File.ReadAllTextAsync($"/proc/{server.Id}/environ")).Split('\0'));
        using var channel = server.CreateChannel();
        var tracking = new TrackingWire.TrackingService.TrackingServiceClient(channel);
        var api = new Wire.ArtifactService.ArtifactServiceClient(channel);
        var runId = await TrackingCalls.CreateRunAsync(tracking, await TrackingCalls.CreateExperimentAsync(tracking, "large"), "two-gib");
        var deadline = DateTime.UtcNow.AddMinutes(3);

        var clock = Stopwatch.StartNew();
        var (info, sent) = await UploadAsync(api, runId, deadline);
        _scope.Log($"uploaded {Size >> 20} MiB in {clock.Elapsed.TotalSeconds:F1} s ({Size / 1048576.0 / clock.Elapsed.TotalSeconds:F0} MiB/s)");
        Assert.Equal((Size, sent), (info.Size, info.Sha256));

        clock.Restart();
        var (received, length) = await DownloadAsync(api, runId, deadline);
        _scope.Log($"downloaded {length >> 20} MiB in {clock.Elapsed.TotalSeconds:F1} s ({length / 1048576.0 / clock.Elapsed.TotalSeconds:F0} MiB/s)");
        Assert.Equal((Size, sent), (length, received));

        Assert.False(server.HasExited, "the server died while streaming");
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(10));
        var peak = PeakResidentMiB(server.Id);
        _scope.Log($"server peak resident memory {peak} MiB");
        Assert.True(peak < 1024, $"the server's peak resident memory was {peak} MiB for a {Size >> 20} MiB file");
    });

    private static async Task<(Wire.ArtifactInfo Info, string Sha256)> UploadAsync(Wire.ArtifactService.ArtifactServiceClient api, string runId, DateTime deadline)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var call = api.Upload(deadline: deadline);
        await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Header = new Wire.UploadHeader { RunId = runId, Path = "big/two-gib.bin" } });
        var buffer = new byte[ChunkSize];
        for (long position = 0; position < Size; position += ChunkSize)
        {
            PatternBytes.Fill(buffer, position, Seed);
            hash.AppendData(buffer);
            // Awaited before the buffer is refilled: the client serializes the message within WriteAsync and keeps no copy.
            await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Chunk = UnsafeByteOperations.UnsafeWrap(buffer) });
        }
        await call.RequestStream.CompleteAsync();
        return (await call, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task<(string Sha256, long Length)> DownloadAsync(Wire.ArtifactService.ArtifactServiceClient api, string runId, DateTime deadline)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var call = api.Download(new Wire.DownloadArtifactRequest { RunId = runId, Path = "big/two-gib.bin" }, deadline: deadline);
        long length = 0;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            if (chunk.Offset != length) Assert.Fail($"a chunk at offset {chunk.Offset} arrived after {length} bytes");
            hash.AppendData(chunk.Data.Span);
            length += chunk.Data.Length;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    /// <summary>VmHWM from /proc: the most physical memory the process ever held.</summary>
    private static long PeakResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
