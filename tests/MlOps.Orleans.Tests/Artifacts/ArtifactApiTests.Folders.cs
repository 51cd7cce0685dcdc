using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>Listing and deleting a run's files and folders.</summary>
public abstract partial class ArtifactApiTests
{
    [SkippableFact]
    public async Task List_shows_one_level_with_directories_or_every_file_recursively()
    {
        var runId = await NewRunAsync();
        foreach (var path in new[] { "a.txt", "plots/loss.png", "plots/deep/acc.png", "z/model.onnx" })
            await UploadToRunAsync(runId, path, 10, seed: 14);
        var top = (await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId })).Files;
        Assert.Equal([("a.txt", false), ("plots", true), ("z", true)], top.Select(f => (f.Path, f.IsDir)));
        Assert.All(top.Where(f => f.IsDir), f => Assert.Equal(("", 0L), (f.Sha256, f.Size)));
        var plots = (await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId, Path = "plots" })).Files;
        Assert.Equal([("plots/deep", true), ("plots/loss.png", false)], plots.Select(f => (f.Path, f.IsDir)));
        var all = (await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId, Recursive = true })).Files;
        Assert.Equal(["a.txt", "plots/deep/acc.png", "plots/loss.png", "z/model.onnx"], all.Select(f => f.Path));
        Assert.All(all, f => Assert.Equal((10L, PatternBytes.Sha256(10, 14)), (f.Size, f.Sha256)));
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId, Path = "../x" }).ResponseAsync, "path");
    }

    [SkippableFact]
    public async Task Delete_removes_a_file_or_a_directory_from_the_catalog_and_the_store()
    {
        var runId = await NewRunAsync();
        foreach (var path in new[] { "keep.txt", "dir/a.txt", "dir/sub/b.txt" })
            await UploadToRunAsync(runId, path, 10, seed: 15);
        await Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = runId, Path = "dir/a.txt" });
        await Rpc.Refuses(StatusCode.NotFound, () => DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "dir/a.txt" }));
        await Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = runId, Path = "dir" });
        Assert.Equal(["keep.txt"], (await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId, Recursive = true })).Files.Select(f => f.Path));
        await Rpc.Refuses(StatusCode.NotFound, () => DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "dir/sub/b.txt" }));
        await Rpc.Refuses(StatusCode.NotFound, () => Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = runId, Path = "dir" }).ResponseAsync, "dir");
    }
}
