using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// Files through the gateway's ArtifactService the way a client library would move them: one stream per file, the file
/// read and written in place, never held whole in memory.
/// </summary>
internal static class ArtifactStreams
{
    public const int DefaultChunkSize = 256 * 1024;

    /// <summary>Uploads a file in chunks of <paramref name="chunkSize"/> bytes after a header carrying its size and SHA-256.</summary>
    public static async Task<ArtifactInfo> UploadAsync(ArtifactService.ArtifactServiceClient client, UploadHeader header, string file,
        int chunkSize, CancellationToken ct)
    {
        using var call = client.Upload(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new UploadArtifactRequest { Header = header }, ct);
        var buffer = new byte[chunkSize];
        await using (var input = OpenRead(file))
        {
            int read;
            while ((read = await LocalFiles.FillAsync(input, buffer, ct)) > 0)
            {
                // WriteAsync serializes the message before it returns, so one buffer serves every chunk.
                await call.RequestStream.WriteAsync(new UploadArtifactRequest { Chunk = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) }, ct);
            }
        }
        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }

    /// <summary>
    /// Downloads a file into <paramref name="destination"/> and fsyncs it, so the transfer ends when the bytes are durable,
    /// as for every other transfer measured beside it. Checks that chunks arrive in order and add up to the file size.
    /// </summary>
    public static async Task<long> DownloadAsync(ArtifactService.ArtifactServiceClient client, DownloadArtifactRequest request, string destination,
        CancellationToken ct)
    {
        using var call = client.Download(request, cancellationToken: ct);
        long received = 0;
        long fileSize = -1;
        await using (var output = LocalFiles.OpenWrite(destination))
        {
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
            {
                if (chunk.Offset != received) throw new InvalidDataException($"chunk at offset {chunk.Offset}, expected {received}");
                fileSize = chunk.FileSize;
                await output.WriteAsync(chunk.Data.Memory, ct);
                received += chunk.Data.Length;
            }
            output.Flush(flushToDisk: true);
        }
        if (received != fileSize) throw new InvalidDataException($"received {received} bytes of a {fileSize}-byte file");
        return received;
    }

    public static FileStream OpenRead(string file) =>
        new(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
}

/// <summary>The local side of transfers: a random test file, its digest, a plain durable copy.</summary>
internal static class LocalFiles
{
    public const int CopyBufferSize = 1 << 20;

    /// <summary>Writes <paramref name="size"/> seeded random (incompressible) bytes, fsynced; returns the lowercase hex SHA-256.</summary>
    public static async Task<string> GenerateAsync(string path, long size, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        var buffer = new byte[CopyBufferSize];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var output = OpenWrite(path);
        for (long written = 0; written < size;)
        {
            var count = (int)Math.Min(buffer.Length, size - written);
            random.NextBytes(buffer.AsSpan(0, count));
            hash.AppendData(buffer, 0, count);
            await output.WriteAsync(buffer.AsMemory(0, count), ct);
            written += count;
        }
        output.Flush(flushToDisk: true);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var input = ArtifactStreams.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(input, ct));
    }

    /// <summary>The plain copy a transfer is compared with: read, write through one 1 MiB buffer, fsync.</summary>
    public static async Task CopyAsync(string source, string destination, CancellationToken ct)
    {
        var buffer = new byte[CopyBufferSize];
        await using var input = ArtifactStreams.OpenRead(source);
        await using var output = OpenWrite(destination);
        int read;
        while ((read = await FillAsync(input, buffer, ct)) > 0) await output.WriteAsync(buffer.AsMemory(0, read), ct);
        output.Flush(flushToDisk: true);
    }

    public static FileStream OpenWrite(string path) =>
        new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);

    public static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await source.ReadAsync(buffer[filled..], ct)) > 0) filled += read;
        return filled;
    }

    /// <summary>
    /// Writes every dirty page of the machine back (sync(2)), untimed before a measured step: Azurite does not fsync its
    /// extents, so without this the previous step's gigabyte would be written back during the next one.
    /// </summary>
    public static void SyncAll()
    {
        if (OperatingSystem.IsLinux()) NativeMethods.sync();
    }

    public static void Delete(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc")]
        [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
        public static extern void sync();
    }
}
