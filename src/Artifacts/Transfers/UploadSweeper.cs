using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Artifacts.Hosting;

namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>
/// Drops staging areas (abandoned multipart uploads, gRPC staging areas) untouched for <see cref="ArtifactOptions.UploadExpiry"/>.
/// Every process sharing the store runs it; a sweep only deletes what is expired, so concurrent sweeps are harmless.
/// </summary>
public sealed class UploadSweeper(IArtifactStore store, ArtifactOptions options, TimeProvider time, ILogger<UploadSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SweepInterval, time);
        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Sweeping expired uploads in {Location} failed; retrying in {Interval}", store.Location, options.SweepInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns the ids dropped.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var dropped = new List<string>();
        var manifests = await store.ListAsync(UploadManifest.Prefix, recursive: true, ct).ConfigureAwait(false);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifests.Where(e => !e.IsDirectory))
        {
            var id = entry.Key[(entry.Key.LastIndexOf('/') + 1)..];
            if (!IsId(id)) continue;
            known.Add(id);
            var manifest = await UploadManifest.ReadAsync(store, id, ct).ConfigureAwait(false);
            // Multipart uploads age from their create, as S3's incomplete-upload rule does; staging areas from their last file.
            var since = manifest is null ? now : manifest.Kind == UploadKind.Multipart ? manifest.CreatedMs : manifest.ActiveMs;
            if (now - since <= options.UploadExpiry.TotalMilliseconds) continue;
            await MultipartTransfers.DropAsync(store, id, ct).ConfigureAwait(false);
            dropped.Add(id);
        }
        // A staging folder without a manifest gets one now and is dropped one expiry later: the store keeps no reliable age.
        var areas = await store.ListAsync(ArtifactKeys.StagingPrefix, recursive: false, ct).ConfigureAwait(false);
        foreach (var area in areas.Where(e => e.IsDirectory))
        {
            var id = area.Key[(area.Key.LastIndexOf('/') + 1)..];
            if (IsId(id) && !known.Contains(id) && await UploadManifest.ReadAsync(store, id, ct).ConfigureAwait(false) is null)
                await new UploadManifest(UploadKind.Orphan, now, now).WriteAsync(store, id, ct).ConfigureAwait(false);
        }
        if (dropped.Count > 0) logger.LogInformation("Dropped {Count} expired uploads from {Location}", dropped.Count, store.Location);
        return dropped;
    }

    private static bool IsId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}
