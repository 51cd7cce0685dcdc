using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow's multipart upload for proxied artifacts. Parts are PUT to URLs this server hands out, kept under a staging id,
/// and joined (streamed, never buffered whole) into the run's artifact on complete; abort drops them.
/// </summary>
internal static class MlflowMultipartEndpoints
{
    private const int MaxParts = 10000;

    public static void Map(RouteGroupBuilder api)
    {
        api.Post("mpu/create/{**path}", async (a, c) =>
        {
            // Resolved for its checks: the run exists, is active and owns the path.
            await MlflowArtifactEndpoints.ResolveAsync(RoutePath(c), c, forWrite: true);
            var parts = (int)(a.Long("num_parts") ?? 0);
            if (parts is < 1 or > MaxParts) throw MlopsException.Invalid("num_parts", $"num_parts must be between 1 and {MaxParts}");
            var uploadId = Guid.NewGuid().ToString("N");
            var baseUrl = $"{c.Request.Scheme}://{c.Request.Host}{c.Request.PathBase}/api/2.0/mlflow-artifacts/mpu/part/{uploadId}";
            return MlflowResults.Ok(new
            {
                upload_id = uploadId,
                credentials = Enumerable.Range(1, parts).Select(n => new { part_number = n, url = $"{baseUrl}/{n}" }).ToList(),
            });
        });
        api.MapPut("mpu/part/{uploadId}/{part:int}", async (string uploadId, int part, HttpContext c) =>
        {
            if (part is < 1 or > MaxParts) throw MlopsException.Invalid("part_number", $"part_number must be between 1 and {MaxParts}");
            if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
            var stored = await Store(c).WriteAsync(PartKey(uploadId, part), c.Request.Body, ct: c.RequestAborted);
            c.Response.Headers.ETag = $"\"{stored.Sha256}\"";
            return MlflowResults.Empty();
        });
        api.Post("mpu/complete/{**path}", async (a, c) =>
        {
            var target = await MlflowArtifactEndpoints.ResolveAsync(RoutePath(c), c, forWrite: true);
            var uploadId = a.Required("upload_id");
            var numbers = a.Objects("parts").Select((p, i) => (int)(p.Long("part_number") ?? throw MlopsException.Invalid($"parts[{i}].part_number", "part_number is required")))
                .OrderBy(n => n).ToList();
            if (numbers.Count == 0 || numbers.Distinct().Count() != numbers.Count || numbers[0] != 1 || numbers[^1] != numbers.Count)
                throw MlopsException.Invalid("parts", "parts must number 1..N, each once");
            var stored = await Store(c).WriteAsync(target.Key, new PartsStream(Store(c), numbers.Select(n => PartKey(uploadId, n)).ToList(), c.RequestAborted), ct: c.RequestAborted);
            await Grains(c).GetGrain<IRunGrain>(target.RunId!).RecordArtifact(new ArtifactFile(target.Relative, stored.Size, stored.Sha256, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            await Store(c).DeleteAsync(ArtifactKeys.StagingRoot(uploadId, "upload_id"), c.RequestAborted);
            return MlflowResults.Empty();
        });
        api.Post("mpu/abort/{**path}", async (a, c) =>
        {
            await MlflowArtifactEndpoints.ResolveAsync(RoutePath(c), c, forWrite: true);
            await Store(c).DeleteAsync(ArtifactKeys.StagingRoot(a.Required("upload_id"), "upload_id"), c.RequestAborted);
            return MlflowResults.Empty();
        });
    }

    private static string RoutePath(HttpContext c) => c.Request.RouteValues["path"] as string ?? "";

    private static string PartKey(string uploadId, int part) =>
        $"{ArtifactKeys.StagingRoot(uploadId, "upload_id")}/part-{part.ToString("D5", CultureInfo.InvariantCulture)}";

    private static IGrainFactory Grains(HttpContext c) => c.RequestServices.GetRequiredService<IGrainFactory>();

    private static IArtifactStore Store(HttpContext c) => c.RequestServices.GetRequiredService<IArtifactStore>();

    /// <summary>The parts, read one after another as one stream.</summary>
    private sealed class PartsStream(IArtifactStore store, IReadOnlyList<string> keys, CancellationToken ct) : Stream
    {
        private int _next;
        private ArtifactContent? _current;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_current is null)
                {
                    if (_next == keys.Count) return 0;
                    _current = await store.OpenReadAsync(keys[_next++], ct: ct).ConfigureAwait(false);
                }
                var read = await _current.Stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read > 0) return read;
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (_current is not null) await _current.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
