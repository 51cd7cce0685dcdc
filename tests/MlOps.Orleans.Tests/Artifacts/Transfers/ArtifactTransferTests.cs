using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Hosting;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Tests.Mlflow;
using TrackingWire = MlOps.Orleans.Protos.Tracking.V1;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Tests.Artifacts.Transfers;

/// <summary>
/// The rules <see cref="ArtifactTransfers"/> and <see cref="MultipartTransfers"/> give both protocols, over real sockets, with
/// the folder backend and with Azure Blob (Azurite); the fixtures cap a part at 1 KiB and an upload at 2 KiB.
/// </summary>
public abstract partial class ArtifactTransferTests(PlatformFixture platform)
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/";

    private readonly MlflowRest _rest = new(platform.Http);
    private readonly MlflowRest _artifacts = new(platform.Http, Proxy);

    private Wire.ArtifactService.ArtifactServiceClient Api { get; } = new(platform.Channel);

    private IArtifactStore Store => platform.Services.GetRequiredService<IArtifactStore>();

    private async Task<(string ExperimentId, string RunId)> NewRunAsync()
    {
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = $"transfers-{Guid.NewGuid():N}" })))["experiment_id"]!;
        var run = (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!["info"]!["run_id"]!;
        return (e, run);
    }

    private async Task<(string UploadId, List<string> Urls)> CreateAsync(string path, int parts)
    {
        var created = await _artifacts.Ok(_artifacts.Post($"mpu/create/{path}", new { path, num_parts = parts }));
        return ((string)created["upload_id"]!, created["credentials"]!.AsArray().Select(c => (string)c!["url"]!).ToList());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PutAsync(string url, HttpContent content)
    {
        using (content)
        using (var response = await platform.Http.PutAsync(url, content))
        {
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
        }
    }

    private static string PartUrl(string uploadId, int part) => $"{Proxy}mpu/part/{uploadId}/{part}";

    private static byte[] Bytes(int length, byte fill)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, fill);
        return bytes;
    }

    private async Task<List<string>> KeysUnder(string prefix) =>
        (await Store.ListAsync(prefix, recursive: true)).Where(e => !e.IsDirectory).Select(e => e.Key).ToList();

    private async Task<Wire.ArtifactInfo> GrpcUploadAsync(Wire.UploadHeader header, byte[] bytes)
    {
        using var call = Api.Upload();
        try
        {
            await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Header = header });
            await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Chunk = ByteString.CopyFrom(bytes) });
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // Refused before reading everything: the status is in the response.
        }
        return await call;
    }

    private UploadSweeper SweeperAt(TimeSpan later) => new(Store, platform.Services.GetRequiredService<ArtifactOptions>(),
        new Features.Online.Store.ManualClock(DateTimeOffset.UtcNow + later), NullLogger<UploadSweeper>.Instance);

    [SkippableFact]
    public async Task Part_without_a_create_is_refused_and_stores_nothing()
    {
        var uploadId = Guid.NewGuid().ToString("N");
        var (status, body) = await PutAsync(PartUrl(uploadId, 1), new ByteArrayContent(Bytes(10, 1)));
        Assert.True(status == HttpStatusCode.NotFound, body.ToJsonString());
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string?)body["error_code"]);
        Assert.Contains($"no multipart upload '{uploadId}' is in progress", (string?)body["message"], StringComparison.Ordinal);
        Assert.Empty(await KeysUnder($"staging/{uploadId}"));
    }

    [SkippableFact]
    public async Task Part_beyond_num_parts_is_refused()
    {
        var (e, run) = await NewRunAsync();
        var (uploadId, urls) = await CreateAsync($"{e}/{run}/artifacts/two.bin", parts: 2);
        Assert.Equal(2, urls.Count);
        var (status, body) = await PutAsync(PartUrl(uploadId, 3), new ByteArrayContent(Bytes(10, 3)));
        Assert.True(status == HttpStatusCode.BadRequest, body.ToJsonString());
        Assert.Contains("part_number 3 is outside 1..2", (string?)body["message"], StringComparison.Ordinal);
        Assert.Empty(await KeysUnder($"staging/{uploadId}"));
    }

    [SkippableFact]
    public async Task Oversize_part_or_upload_is_refused_and_keeps_only_the_parts_within_the_caps()
    {
        var (e, run) = await NewRunAsync();
        var (uploadId, _) = await CreateAsync($"{e}/{run}/artifacts/big.bin", parts: 3);
        // Announced too large: refused before reading; sent chunked: refused once the count passes the cap.
        var sized = await PutAsync(PartUrl(uploadId, 1), new ByteArrayContent(Bytes((int)TransferCaps.Part + 1, 1)));
        Assert.True(sized.Status == HttpStatusCode.BadRequest, sized.Body.ToJsonString());
        Assert.Contains($"larger than the {TransferCaps.Part} bytes allowed", (string?)sized.Body["message"], StringComparison.Ordinal);
        var unsized = await PutAsync(PartUrl(uploadId, 1), new UnsizedContent(Bytes((int)TransferCaps.Part + 1, 1)));
        Assert.True(unsized.Status == HttpStatusCode.BadRequest, unsized.Body.ToJsonString());
        Assert.Empty(await KeysUnder($"staging/{uploadId}"));
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(PartUrl(uploadId, 1), new ByteArrayContent(Bytes(1000, 1)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(PartUrl(uploadId, 2), new ByteArrayContent(Bytes(1000, 2)))).Status);
        // 2000 bytes are in; the upload cap leaves 48 for the third part.
        var total = await PutAsync(PartUrl(uploadId, 3), new UnsizedContent(Bytes(100, 3)));
        Assert.True(total.Status == HttpStatusCode.BadRequest, total.Body.ToJsonString());
        Assert.Contains("larger than the 48 bytes allowed", (string?)total.Body["message"], StringComparison.Ordinal);
        Assert.Equal(2, (await KeysUnder($"staging/{uploadId}")).Count);
    }

    [SkippableFact]
    public async Task Complete_or_abort_naming_another_path_or_run_is_refused_and_the_right_one_completes()
    {
        var (e, run) = await NewRunAsync();
        var (e2, other) = await NewRunAsync();
        var path = $"{e}/{run}/artifacts/a.bin";
        var (uploadId, _) = await CreateAsync(path, parts: 1);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(PartUrl(uploadId, 1), new ByteArrayContent(Bytes(300, 7)))).Status);
        var parts = new[] { new { part_number = 1 } };
        var elsewhere = $"{e}/{run}/artifacts/b.bin";
        await MlflowRest.Refused(_artifacts.Post($"mpu/complete/{elsewhere}", new { path = elsewhere, upload_id = uploadId, parts }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", $"upload '{uploadId}' was created for '{path}', not '{elsewhere}'");
        var otherRun = $"{e2}/{other}/artifacts/a.bin";
        await MlflowRest.Refused(_artifacts.Post($"mpu/abort/{otherRun}", new { path = otherRun, upload_id = uploadId }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "was created for");
        Assert.Single(await KeysUnder($"staging/{uploadId}"));

        await _artifacts.Ok(_artifacts.Post($"mpu/complete/{path}", new { path, upload_id = uploadId, parts }));
        Assert.Equal(Bytes(300, 7), await platform.Http.GetByteArrayAsync($"{Proxy}artifacts/{path}"));
        Assert.False(await Store.ExistsAsync($"{e}/{run}/artifacts/b.bin"));
        // The staging parts and the binding are gone with the completion.
        Assert.Empty(await KeysUnder($"staging/{uploadId}"));
        Assert.False(await Store.ExistsAsync(UploadManifest.ManifestKey(uploadId)));
    }

    [SkippableFact]
    public async Task Expired_uploads_and_staging_areas_are_swept_with_their_bytes()
    {
        var (e, run) = await NewRunAsync();
        var (uploadId, _) = await CreateAsync($"{e}/{run}/artifacts/abandoned.bin", parts: 2);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(PartUrl(uploadId, 1), new ByteArrayContent(Bytes(100, 1)))).Status);
        var stagingId = Guid.NewGuid().ToString("N");
        await GrpcUploadAsync(new Wire.UploadHeader { StagingId = stagingId, Path = "package/model.onnx" }, Bytes(50, 2));

        var early = await SweeperAt(TimeSpan.FromHours(1)).SweepAsync(default);
        Assert.DoesNotContain(uploadId, early);
        Assert.DoesNotContain(stagingId, early);
        Assert.Single(await KeysUnder($"staging/{uploadId}"));
        var orphan = Guid.NewGuid().ToString("N");
        using (var bytes = new MemoryStream(Bytes(20, 3))) await Store.WriteAsync($"staging/{orphan}/file", bytes);

        var day = await SweeperAt(TimeSpan.FromHours(25)).SweepAsync(default);
        Assert.Contains(uploadId, day);
        Assert.Contains(stagingId, day);
        Assert.Empty(await KeysUnder($"staging/{uploadId}"));
        Assert.Empty(await KeysUnder($"staging/{stagingId}"));
        var (status, _) = await PutAsync(PartUrl(uploadId, 2), new ByteArrayContent(Bytes(10, 2)));
        Assert.Equal(HttpStatusCode.NotFound, status);
        // A folder with no record of its age is given one, and goes one expiry later.
        Assert.Single(await KeysUnder($"staging/{orphan}"));
        Assert.Contains(orphan, await SweeperAt(TimeSpan.FromHours(50)).SweepAsync(default));
        Assert.Empty(await KeysUnder($"staging/{orphan}"));
    }

    [SkippableFact]
    public async Task Registration_from_an_uncompleted_multipart_upload_is_refused_and_grpc_cannot_write_into_it()
    {
        var (e, run) = await NewRunAsync();
        var (uploadId, _) = await CreateAsync($"{e}/{run}/artifacts/model/model.onnx", parts: 1);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(PartUrl(uploadId, 1), new ByteArrayContent(Bytes(100, 1)))).Status);
        var name = $"transfers-{Guid.NewGuid():N}";
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        await MlflowRest.Refused(_rest.Post("model-versions/create", new { name, source = $"staging:/{uploadId}" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", $"source 'staging:/{uploadId}' is refused: it holds no completed upload (it is an MLflow multipart upload that was never completed)");
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => GrpcUploadAsync(new Wire.UploadHeader { StagingId = uploadId, Path = "part-00001" }, Bytes(5, 9)),
            $"staging_id '{uploadId}' belongs to a multipart upload");
        Assert.Single(await KeysUnder($"staging/{uploadId}"));
    }

    [SkippableFact]
    public async Task Upload_the_run_refuses_after_the_write_leaves_no_bytes()
    {
        var (e, run) = await NewRunAsync();
        var transfers = platform.Services.GetRequiredService<ArtifactTransfers>();
        var content = new RefusingRunStream(Bytes(500, 4), () => platform.Tracking.DeleteRunAsync(new TrackingWire.DeleteRunRequest { RunId = run }).ResponseAsync);
        var refused = await Assert.ThrowsAsync<Contracts.Common.MlopsException>(() => transfers.UploadToRunAsync(run, "late/model.bin", content, null, default));
        Assert.Equal(Contracts.Common.ErrorCode.FailedPrecondition, refused.Code);
        Assert.Empty(await KeysUnder($"{e}/{run}/artifacts"));
    }

    [SkippableFact]
    public async Task Upload_to_a_deleted_run_leaves_no_bytes_on_either_protocol()
    {
        var (e, run) = await NewRunAsync();
        await platform.Tracking.DeleteRunAsync(new TrackingWire.DeleteRunRequest { RunId = run });
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => GrpcUploadAsync(new Wire.UploadHeader { RunId = run, Path = "g.bin" }, Bytes(10, 1)), "is deleted");
        var (status, body) = await PutAsync($"{Proxy}artifacts/{e}/{run}/artifacts/m.bin", new ByteArrayContent(Bytes(10, 1)));
        Assert.True(status == HttpStatusCode.BadRequest, body.ToJsonString());
        Assert.Contains("is deleted", (string?)body["message"], StringComparison.Ordinal);
        Assert.Empty(await KeysUnder($"{e}/{run}/artifacts"));
    }

    [SkippableFact]
    public async Task Delete_takes_the_same_order_on_both_protocols()
    {
        var (e, run) = await NewRunAsync();
        var root = $"{e}/{run}/artifacts";
        await GrpcUploadAsync(new Wire.UploadHeader { RunId = run, Path = "a.bin" }, Bytes(10, 1));
        Assert.Equal(HttpStatusCode.OK, (await PutAsync($"{Proxy}artifacts/{root}/b.bin", new ByteArrayContent(Bytes(10, 2)))).Status);

        // The catalog goes first and refuses a deleted run, so neither protocol removes a byte.
        await platform.Tracking.DeleteRunAsync(new TrackingWire.DeleteRunRequest { RunId = run });
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = run, Path = "a.bin" }).ResponseAsync, "is deleted");
        await MlflowRest.Refused(_artifacts.Post($"artifacts/{root}/b.bin", new { }, "DELETE"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "is deleted");
        Assert.Equal([$"{root}/a.bin", $"{root}/b.bin"], await KeysUnder(root));

        await platform.Tracking.RestoreRunAsync(new TrackingWire.RestoreRunRequest { RunId = run });
        await Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = run, Path = "a.bin" });
        await _artifacts.Ok(_artifacts.Post($"artifacts/{root}/b.bin", new { }, "DELETE"));
        Assert.Empty(await KeysUnder(root));
        Assert.Empty((await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = run, Recursive = true })).Files);
        // Nothing there: gRPC says so, MLflow's proxy deletes nothing quietly, as MLflow's server does.
        await Rpc.Refuses(StatusCode.NotFound, () => Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = run, Path = "a.bin" }).ResponseAsync, "a.bin");
        await _artifacts.Ok(_artifacts.Post($"artifacts/{root}/a.bin", new { }, "DELETE"));
    }
}

[Trait("Category", Category.Platform)]
public sealed class FolderArtifactTransferTests(CappedFolderPlatformFixture platform) : ArtifactTransferTests(platform), IClassFixture<CappedFolderPlatformFixture>;

[Trait("Category", Category.Platform)]
public sealed class BlobArtifactTransferTests(CappedBlobPlatformFixture platform) : ArtifactTransferTests(platform), IClassFixture<CappedBlobPlatformFixture>;
