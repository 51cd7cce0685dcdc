using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Orleans;

namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>
/// The one set of rules for putting artifact bytes in and taking them out, shared by the gRPC API and the MLflow proxy:
/// a protocol handler maps its request to one of these calls and maps the answer back.
/// </summary>
public sealed class ArtifactTransfers(IGrainFactory grains, IArtifactStore store, TimeProvider time)
{
    /// <summary>
    /// Resolve the run's root (refusing an unknown or deleted run before any byte), write, record on the run; when the run
    /// refuses the record (deleted meanwhile) the bytes are deleted again, so a refused upload leaves nothing.
    /// </summary>
    public async Task<StoredArtifact> UploadToRunAsync(string runId, string path, Stream content, ExpectedContent? expected, CancellationToken ct)
    {
        path = ArtifactPath.File(path);
        var key = ArtifactPath.Join(await ArtifactRoots.RunAsync(grains, runId, forWrite: true).ConfigureAwait(false), path);
        var stored = await store.WriteAsync(key, content, expected, ct).ConfigureAwait(false);
        try
        {
            await grains.GetGrain<IRunGrain>(runId).RecordArtifact(new ArtifactFile(path, stored.Size, stored.Sha256, time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        catch
        {
            // Not the caller's token: a cancelled request must not leave the bytes behind.
            await store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        return stored;
    }

    /// <summary>
    /// Writes a file of a client-chosen staging area. Its manifest is written before the first byte (so the sweeper can age
    /// it) and marked completed after each finished file: only then may a registration copy the area.
    /// </summary>
    public async Task<StoredArtifact> UploadToStagingAsync(string stagingId, string path, Stream content, ExpectedContent? expected, CancellationToken ct)
    {
        path = ArtifactPath.File(path);
        var root = ArtifactKeys.StagingRoot(stagingId);
        var manifest = await UploadManifest.ReadAsync(store, stagingId, ct).ConfigureAwait(false);
        if (manifest is { Kind: not UploadKind.Staging })
            throw MlopsException.Precondition($"staging_id '{stagingId}' belongs to {(manifest.Kind == UploadKind.Multipart ? "a multipart upload" : "an area not written through this API")}; choose another id");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        manifest ??= new UploadManifest(UploadKind.Staging, now, now);
        if (manifest.CompletedMs is null) await manifest.WriteAsync(store, stagingId, ct).ConfigureAwait(false);
        var stored = await store.WriteAsync(ArtifactPath.Join(root, path), content, expected, ct).ConfigureAwait(false);
        var done = time.GetUtcNow().ToUnixTimeMilliseconds();
        await (manifest with { ActiveMs = done, CompletedMs = done }).WriteAsync(store, stagingId, ct).ConfigureAwait(false);
        return stored;
    }

    /// <summary>
    /// Deletes a file or folder of a run: the catalog first, then the bytes. The catalog refuses a deleted run before any byte
    /// goes, and a crash in between leaves unlisted bytes (overwritten by the next upload), never a listed file without bytes.
    /// </summary>
    /// <param name="missingIsNotFound">gRPC answers NOT_FOUND for nothing there; MLflow's server deletes nothing silently.</param>
    public async Task DeleteAsync(string runId, string path, bool missingIsNotFound, CancellationToken ct)
    {
        path = ArtifactPath.File(path);
        var key = ArtifactPath.Join(await ArtifactRoots.RunAsync(grains, runId, forWrite: true).ConfigureAwait(false), path);
        if (!await store.ExistsAsync(key, ct).ConfigureAwait(false))
        {
            if (missingIsNotFound) throw MlopsException.NotFound($"run '{runId}' has no artifact at '{path}'");
            return;
        }
        await grains.GetGrain<IRunGrain>(runId).RemoveArtifacts(path).ConfigureAwait(false);
        await store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
    }
}
