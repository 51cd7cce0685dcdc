using System.Text.Json;
using System.Text.Json.Serialization;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>What a staging area was created for; an area without a manifest was never made by this server.</summary>
public enum UploadKind
{
    /// <summary>Files uploaded with the gRPC API to a client-chosen staging id, for a registration.</summary>
    Staging,
    /// <summary>An MLflow multipart upload bound to one run and path by its create.</summary>
    Multipart,
    /// <summary>A staging folder found without a manifest (written before manifests existed): only ever swept.</summary>
    Orphan,
}

/// <summary>
/// The record of one staging id, kept in the artifact store itself (<c>uploads/&lt;id&gt;</c>), so it survives restarts and
/// every silo and gateway sharing the store sees it, a standalone gateway included (it has no catalog).
/// </summary>
public sealed record UploadManifest(UploadKind Kind, long CreatedMs, long ActiveMs)
{
    public const string Prefix = "uploads";

    /// <summary>Multipart: the run the upload was created for.</summary>
    public string? RunId { get; init; }

    /// <summary>Multipart: the full store key of the artifact the parts become.</summary>
    public string? Key { get; init; }

    /// <summary>Multipart: the part count the create announced; no part beyond it is accepted.</summary>
    public int NumParts { get; init; }

    /// <summary>Staging: when an upload into the area last finished; null while none has.</summary>
    public long? CompletedMs { get; init; }

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static string ManifestKey(string id) => $"{Prefix}/{id}";

    public static async Task<UploadManifest?> ReadAsync(IArtifactStore store, string id, CancellationToken ct)
    {
        try
        {
            await using var content = await store.OpenReadAsync(ManifestKey(id), ct: ct).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<UploadManifest>(content.Stream, Json, ct).ConfigureAwait(false);
        }
        catch (MlopsException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }

    public async Task WriteAsync(IArtifactStore store, string id, CancellationToken ct)
    {
        using var buffer = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(this, Json));
        await store.WriteAsync(ManifestKey(id), buffer, ct: ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A registration may copy a staging area only once an upload into it finished through this server: an id nobody
    /// uploaded to, a multipart upload never completed, or an expired area is refused, never copied half-written.
    /// </summary>
    public static async Task RequireCompletedStagingAsync(IArtifactStore store, string stagingId, CancellationToken ct = default)
    {
        ArtifactKeys.StagingRoot(stagingId, "source");
        var manifest = await ReadAsync(store, stagingId, ct).ConfigureAwait(false);
        var problem = manifest switch
        {
            null => "nothing was ever uploaded to it through ArtifactService.Upload, or it expired",
            { Kind: UploadKind.Multipart } => "it is an MLflow multipart upload that was never completed",
            { Kind: UploadKind.Orphan } => "its files were not written through the artifact API",
            { CompletedMs: null } => "its first upload has not finished",
            _ => null,
        };
        if (problem is not null)
            throw MlopsException.Precondition($"source 'staging:/{stagingId}' is refused: it holds no completed upload ({problem}); upload the package to this staging_id with ArtifactService.Upload first");
    }
}
