using System.Globalization;
using MlOps.Orleans.Artifacts.Hosting;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>
/// Multipart uploads: each upload id is bound by its create to one run and artifact key (a manifest in the store), parts
/// are capped and accepted only for a created, unexpired upload, and complete joins them through
/// <see cref="ArtifactTransfers.UploadToRunAsync"/> (same checks, same compensation) before dropping the staging parts.
/// </summary>
public sealed class MultipartTransfers(ArtifactTransfers transfers, IArtifactStore store, ArtifactOptions options, TimeProvider time)
{
    /// <summary>S3's part count limit, which MLflow's clients follow.</summary>
    public const int MaxParts = 10000;

    /// <summary>Binds a new upload id to the run and key; the caller has checked the run is active and owns the key.</summary>
    /// <returns>The upload id and the validated part count.</returns>
    public async Task<(string UploadId, int NumParts)> CreateAsync(string runId, string key, long? numParts, CancellationToken ct)
    {
        if (numParts is not (>= 1 and <= MaxParts)) throw MlopsException.Invalid("num_parts", $"num_parts must be between 1 and {MaxParts}");
        var uploadId = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await new UploadManifest(UploadKind.Multipart, now, now) { RunId = runId, Key = key, NumParts = (int)numParts }
            .WriteAsync(store, uploadId, ct).ConfigureAwait(false);
        return (uploadId, (int)numParts);
    }

    /// <summary>Stores one part, refused before any byte for an unknown upload or part number and midway past the size caps.</summary>
    public async Task<StoredArtifact> PartAsync(string uploadId, int part, Stream body, long? contentLength, CancellationToken ct)
    {
        var manifest = await RequireAsync(uploadId, ct).ConfigureAwait(false);
        if (part < 1 || part > manifest.NumParts)
            throw MlopsException.Invalid("part_number", $"part_number {part} is outside 1..{manifest.NumParts}, the num_parts upload '{uploadId}' was created with");
        var others = (await PartsAsync(uploadId, ct).ConfigureAwait(false)).Where(p => p.Key != part).Sum(p => p.Value);
        var limit = Math.Min(options.MaxPartBytes, options.MaxUploadBytes - others);
        if (contentLength > limit) throw CappedStream.TooLarge("part", $"part {part} ({contentLength} bytes)", limit);
        return await store.WriteAsync(PartKey(uploadId, part), new CappedStream(body, limit, "part", $"part {part}"), ct: ct).ConfigureAwait(false);
    }

    /// <summary>Joins parts 1..N (N at most num_parts) into the key the create named; the staging parts go afterwards.</summary>
    public async Task<StoredArtifact> CompleteAsync(string runId, string key, string path, string uploadId, IReadOnlyList<int> parts, CancellationToken ct)
    {
        var manifest = await RequireBoundAsync(uploadId, runId, key, ct).ConfigureAwait(false);
        var numbers = parts.Order().ToList();
        if (numbers.Count == 0 || numbers.Distinct().Count() != numbers.Count || numbers[0] != 1 || numbers[^1] != numbers.Count)
            throw MlopsException.Invalid("parts", "parts must number 1..N, each once");
        if (numbers.Count > manifest.NumParts)
            throw MlopsException.Invalid("parts", $"upload '{uploadId}' was created with num_parts {manifest.NumParts}, not {numbers.Count}");
        var stored = await PartsAsync(uploadId, ct).ConfigureAwait(false);
        if (numbers.FirstOrDefault(n => !stored.ContainsKey(n)) is var missing and > 0)
            throw MlopsException.Invalid("parts", $"part {missing} of upload '{uploadId}' was never uploaded");
        var total = numbers.Sum(n => stored[n]);
        if (total > options.MaxUploadBytes) throw CappedStream.TooLarge("parts", $"the upload ({total} bytes)", options.MaxUploadBytes);
        var result = await transfers.UploadToRunAsync(runId, path, new PartsStream(store, numbers.Select(n => PartKey(uploadId, n)).ToList(), ct), null, ct).ConfigureAwait(false);
        await DropAsync(store, uploadId, CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>Drops the parts of an upload created for the same run and key.</summary>
    public async Task AbortAsync(string runId, string key, string uploadId, CancellationToken ct)
    {
        await RequireBoundAsync(uploadId, runId, key, ct).ConfigureAwait(false);
        await DropAsync(store, uploadId, ct).ConfigureAwait(false);
    }

    /// <summary>Parts first, manifest last: an interrupted drop leaves a manifest the sweeper finds again.</summary>
    internal static async Task DropAsync(IArtifactStore store, string id, CancellationToken ct)
    {
        await store.DeleteAsync(ArtifactKeys.StagingRoot(id), ct).ConfigureAwait(false);
        await store.DeleteAsync(UploadManifest.ManifestKey(id), ct).ConfigureAwait(false);
    }

    private async Task<UploadManifest> RequireBoundAsync(string uploadId, string runId, string key, CancellationToken ct)
    {
        var manifest = await RequireAsync(uploadId, ct).ConfigureAwait(false);
        if (manifest.RunId != runId || manifest.Key != key)
            throw MlopsException.Invalid("path", $"upload '{uploadId}' was created for '{manifest.Key}', not '{key}'");
        return manifest;
    }

    private async Task<UploadManifest> RequireAsync(string uploadId, CancellationToken ct)
    {
        ArtifactKeys.StagingRoot(uploadId, "upload_id");
        var manifest = await UploadManifest.ReadAsync(store, uploadId, ct).ConfigureAwait(false);
        // Expired counts as unknown even before the sweeper has run.
        if (manifest is not { Kind: UploadKind.Multipart } || time.GetUtcNow().ToUnixTimeMilliseconds() - manifest.CreatedMs > options.UploadExpiry.TotalMilliseconds)
            throw MlopsException.NotFound($"no multipart upload '{uploadId}' is in progress: it was never created with mpu/create, or it completed, was aborted or expired");
        return manifest;
    }

    private async Task<Dictionary<int, long>> PartsAsync(string uploadId, CancellationToken ct)
    {
        var prefix = ArtifactKeys.StagingRoot(uploadId) + "/part-";
        var entries = await store.ListAsync(ArtifactKeys.StagingRoot(uploadId), recursive: true, ct).ConfigureAwait(false);
        return entries.Where(e => !e.IsDirectory && e.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(e => int.Parse(e.Key[prefix.Length..], CultureInfo.InvariantCulture), e => e.Size);
    }

    private static string PartKey(string uploadId, int part) =>
        $"{ArtifactKeys.StagingRoot(uploadId, "upload_id")}/part-{part.ToString("D5", CultureInfo.InvariantCulture)}";
}
