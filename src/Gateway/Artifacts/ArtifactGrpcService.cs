using Grpc.Core;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Gateway.Artifacts;

/// <summary>The native artifact API: paths checked by <see cref="ArtifactPath"/>, bytes to the store, records to the run grain.</summary>
internal sealed class ArtifactGrpcService(IGrainFactory grains, IArtifactStore store) : Wire.ArtifactService.ArtifactServiceBase
{
    public override async Task<Wire.ArtifactInfo> Upload(IAsyncStreamReader<Wire.UploadArtifactRequest> requestStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct) || requestStream.Current.Header is not { } header)
            throw MlopsException.Invalid("header", "the first message of an upload must be a header naming the target and path");
        var path = ArtifactPath.File(header.Path);
        var expected = ExpectedContent.From(header.HasExpectedSize ? header.ExpectedSize : null, header.ExpectedSha256);
        var isRun = header.TargetCase == Wire.UploadHeader.TargetOneofCase.RunId;
        var root = isRun
            ? await ArtifactRoots.RunAsync(grains, header.RunId, forWrite: true)
            : StagingRoot(header.StagingId, header.TargetCase == Wire.UploadHeader.TargetOneofCase.StagingId);
        var key = ArtifactPath.Join(root, path);
        var stored = await store.WriteAsync(key, new UploadChunkStream(requestStream), expected, ct);
        if (isRun) await RecordAsync(header.RunId, key, new ArtifactFile(path, stored.Size, stored.Sha256, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return new Wire.ArtifactInfo { Path = path, Size = stored.Size, Sha256 = stored.Sha256 };
    }

    public override async Task Download(Wire.DownloadArtifactRequest request, IServerStreamWriter<Wire.DownloadChunk> responseStream, ServerCallContext context)
    {
        var path = ArtifactPath.File(request.Path);
        var root = request.TargetCase == Wire.DownloadArtifactRequest.TargetOneofCase.RunId
            ? await ArtifactRoots.RunAsync(grains, request.RunId, forWrite: false)
            : StagingRoot(request.StagingId, request.TargetCase == Wire.DownloadArtifactRequest.TargetOneofCase.StagingId);
        await using var content = await store.OpenReadAsync(ArtifactPath.Join(root, path), request.Offset,
            request.HasLength ? request.Length : null, context.CancellationToken);
        await DownloadChunks.SendAsync(content, responseStream, context.CancellationToken);
    }

    public override async Task<Wire.ListArtifactsResponse> List(Wire.ListArtifactsRequest request, ServerCallContext context)
    {
        var directory = ArtifactPath.Directory(request.Path);
        TrackingValidation.RunId(request.RunId);
        var files = await grains.GetGrain<IRunGrain>(request.RunId).ListArtifacts(directory, request.Recursive);
        var response = new Wire.ListArtifactsResponse();
        response.Files.AddRange(files.Select(ArtifactMapper.ToProto));
        return response;
    }

    public override async Task<Wire.DeleteArtifactResponse> Delete(Wire.DeleteArtifactRequest request, ServerCallContext context)
    {
        var path = ArtifactPath.File(request.Path);
        var key = ArtifactPath.Join(await ArtifactRoots.RunAsync(grains, request.RunId, forWrite: false), path);
        if (!await store.ExistsAsync(key, context.CancellationToken))
            throw MlopsException.NotFound($"run '{request.RunId}' has no artifact at '{path}'");
        // The catalog first: it refuses a deleted run before any byte is removed.
        await grains.GetGrain<IRunGrain>(request.RunId).RemoveArtifacts(path);
        await store.DeleteAsync(key, context.CancellationToken);
        return new Wire.DeleteArtifactResponse();
    }

    /// <summary>Records a stored file; when the run refuses it (deleted meanwhile), the bytes go too, so the upload left nothing.</summary>
    private async Task RecordAsync(string runId, string key, ArtifactFile file)
    {
        try
        {
            await grains.GetGrain<IRunGrain>(runId).RecordArtifact(file);
        }
        catch
        {
            await store.DeleteAsync(key, CancellationToken.None);
            throw;
        }
    }

    private static string StagingRoot(string stagingId, bool given) =>
        given ? ArtifactRoots.Staging(stagingId) : throw MlopsException.Invalid("target", "a run_id or a staging_id is required");
}
