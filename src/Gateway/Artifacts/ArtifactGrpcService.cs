using Grpc.Core;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Gateway.Artifacts;

/// <summary>The native artifact API: uploads and deletes through <see cref="ArtifactTransfers"/> (the rules the MLflow proxy shares), reads from the store.</summary>
internal sealed class ArtifactGrpcService(IGrainFactory grains, IArtifactStore store, ArtifactTransfers transfers) : Wire.ArtifactService.ArtifactServiceBase
{
    public override async Task<Wire.ArtifactInfo> Upload(IAsyncStreamReader<Wire.UploadArtifactRequest> requestStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct) || requestStream.Current.Header is not { } header)
            throw MlopsException.Invalid("header", "the first message of an upload must be a header naming the target and path");
        var expected = ExpectedContent.From(header.HasExpectedSize ? header.ExpectedSize : null, header.ExpectedSha256);
        var content = new UploadChunkStream(requestStream);
        var stored = header.TargetCase switch
        {
            Wire.UploadHeader.TargetOneofCase.RunId => await transfers.UploadToRunAsync(header.RunId, header.Path, content, expected, ct),
            Wire.UploadHeader.TargetOneofCase.StagingId => await transfers.UploadToStagingAsync(header.StagingId, header.Path, content, expected, ct),
            _ => throw NoTarget(),
        };
        return new Wire.ArtifactInfo { Path = header.Path, Size = stored.Size, Sha256 = stored.Sha256 };
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
        await transfers.DeleteAsync(request.RunId, request.Path, missingIsNotFound: true, context.CancellationToken);
        return new Wire.DeleteArtifactResponse();
    }

    private static string StagingRoot(string stagingId, bool given) => given ? ArtifactRoots.Staging(stagingId) : throw NoTarget();

    private static MlopsException NoTarget() => MlopsException.Invalid("target", "a run_id or a staging_id is required");
}
