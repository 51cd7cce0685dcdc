using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Tests.Models;
using Reg = MlOps.Orleans.Protos.Registry.V1;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Registry;

/// <summary>The registry over real gRPC sockets, against SQLite and PostgreSQL, with real ONNX packages.</summary>
public abstract partial class RegistryApiTests(PlatformFixture platform, TrainedPackageFixture package)
{
    protected Reg.RegistryService.RegistryServiceClient Registry { get; } = new(platform.Channel);

    protected Wire.TrackingService.TrackingServiceClient Tracking => platform.Tracking;

    private IArtifactStore Store => platform.Services.GetRequiredService<IArtifactStore>();

    private ArtifactTransfers Transfers => platform.Services.GetRequiredService<ArtifactTransfers>();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> NewModel()
    {
        var name = Unique("model");
        await Registry.CreateRegisteredModelAsync(new Reg.CreateRegisteredModelRequest { Name = name, Description = "d" });
        return name;
    }

    /// <summary>A run with the trained package stored under artifacts/model and rmse logged.</summary>
    private async Task<string> RunWithPackage(double? rmse = 0.5, string? packageDirectory = null)
    {
        var e = await Tracking.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = Unique("exp") });
        var run = await Tracking.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = e.ExperimentId });
        if (rmse is { } v)
            await Tracking.LogMetricAsync(new Wire.LogMetricRequest { RunId = run.Info.RunId, Metric = new Wire.Metric { Key = "rmse", Value = v, Timestamp = 1 } });
        await UploadFolder($"{e.ExperimentId}/{run.Info.RunId}/artifacts/model", packageDirectory ?? package.PackageDirectory);
        return run.Info.RunId;
    }

    private async Task UploadFolder(string key, string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            await using var stream = File.OpenRead(file);
            await Store.WriteAsync($"{key}/{Path.GetFileName(file)}", stream);
        }
    }

    private async Task<Reg.ModelVersion> Register(string model, string runId, string path = "model") =>
        await Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = model, Source = $"runs:/{runId}/{path}", RunId = runId });

    [Fact]
    public async Task Model_is_created_renamed_described_and_deleted()
    {
        var name = await NewModel();
        Assert.Equal("d", (await Registry.GetRegisteredModelAsync(new Reg.GetRegisteredModelRequest { Name = name })).Description);
        var renamed = Unique("renamed");
        var after = await Registry.RenameRegisteredModelAsync(new Reg.RenameRegisteredModelRequest { Name = name, NewName = renamed });
        Assert.Equal(renamed, after.Name);
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.GetRegisteredModelAsync(new Reg.GetRegisteredModelRequest { Name = name }).ResponseAsync, name);
        await Registry.UpdateRegisteredModelAsync(new Reg.UpdateRegisteredModelRequest { Name = renamed, Description = "new" });
        Assert.Equal("new", (await Registry.GetRegisteredModelAsync(new Reg.GetRegisteredModelRequest { Name = renamed })).Description);
        await Registry.DeleteRegisteredModelAsync(new Reg.DeleteRegisteredModelRequest { Name = renamed });
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.GetRegisteredModelAsync(new Reg.GetRegisteredModelRequest { Name = renamed }).ResponseAsync);
    }

    [Fact]
    public async Task Model_name_is_unique_and_validated()
    {
        var name = await NewModel();
        await Rpc.Refuses(StatusCode.AlreadyExists, () => Registry.CreateRegisteredModelAsync(new Reg.CreateRegisteredModelRequest { Name = name }).ResponseAsync, name);
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.CreateRegisteredModelAsync(new Reg.CreateRegisteredModelRequest { Name = "" }).ResponseAsync, "name");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.CreateRegisteredModelAsync(new Reg.CreateRegisteredModelRequest { Name = "a/b" }).ResponseAsync, "name");
        var other = await NewModel();
        await Rpc.Refuses(StatusCode.AlreadyExists, () => Registry.RenameRegisteredModelAsync(new Reg.RenameRegisteredModelRequest { Name = other, NewName = name }).ResponseAsync);
    }

    [Fact]
    public async Task Version_from_a_run_is_pinned_digested_validated_and_ready()
    {
        var model = await NewModel();
        var runId = await RunWithPackage();
        var v = await Register(model, runId);
        Assert.Equal(1, v.Version);
        Assert.Equal(Reg.ModelVersionStatus.Ready, v.Status);
        Assert.Matches("^[0-9a-f]{64}$", v.Digest);
        Assert.Equal(runId, v.RunId);
        // Overwriting the run's file afterwards does not touch the pinned copy.
        var runRoot = (await Tracking.GetRunAsync(new Wire.GetRunRequest { RunId = runId })).Info.ExperimentId + $"/{runId}/artifacts/model";
        await Store.WriteAsync($"{runRoot}/model.onnx", new MemoryStream([1, 2, 3]));
        await using var pinned = await Store.OpenReadAsync($"{v.StorageLocation}/model.onnx");
        Assert.True(pinned.FileSize > 3);
        var again = await Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { Name = model, Version = 1 });
        Assert.Equal(v.Digest, again.Digest);
    }

    [Fact]
    public async Task Version_with_a_broken_package_ends_failed_with_the_reason()
    {
        var broken = package.CopyPackage();
        await File.WriteAllBytesAsync(Path.Combine(broken, "model.onnx"), [0x08, 0x01, 0xFF, 0x00, 0x42]);
        var model = await NewModel();
        var v = await Register(model, await RunWithPackage(packageDirectory: broken));
        Assert.Equal(Reg.ModelVersionStatus.FailedRegistration, v.Status);
        Assert.False(string.IsNullOrEmpty(v.StatusMessage));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("s3://bucket/key")]
    [InlineData("mlflow-artifacts:/../../etc")]
    [InlineData("runs:/0123456789abcdef0123456789abcdef/../../../etc")]
    [InlineData("runs:/0123456789abcdef0123456789abcdef/%2e%2e/x")]
    [InlineData("models:/x/notanumber")]
    [InlineData("staging:/../../etc")]
    public async Task Version_source_outside_the_store_is_refused_and_creates_nothing(string source)
    {
        var model = await NewModel();
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = model, Source = source }).ResponseAsync, "source");
        var found = await Registry.SearchModelVersionsAsync(new Reg.SearchModelVersionsRequest { Filter = $"name = '{model}'" });
        Assert.Empty(found.ModelVersions);
    }

    [Fact]
    public async Task Version_from_another_version_alias_and_staging_upload()
    {
        var model = await NewModel();
        var first = await Register(model, await RunWithPackage());
        await Registry.SetAliasAsync(new Reg.SetAliasRequest { Name = model, Alias = "champion", Version = 1 });
        var copy = await Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = model, Source = $"models:/{model}@champion" });
        Assert.Equal(Reg.ModelVersionStatus.Ready, copy.Status);
        Assert.Equal(first.Digest, copy.Digest);
        var other = await NewModel();
        var fromOther = await Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = other, Source = $"models:/{model}/1" });
        Assert.Equal(first.Digest, fromOther.Digest);
        var staging = Guid.NewGuid().ToString("N");
        foreach (var file in Directory.EnumerateFiles(package.PackageDirectory))
        {
            await using var stream = File.OpenRead(file);
            await Transfers.UploadToStagingAsync(staging, Path.GetFileName(file), stream, null, default);
        }
        var uploaded = await Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = other, Source = $"staging:/{staging}" });
        Assert.Equal(Reg.ModelVersionStatus.Ready, uploaded.Status);
        Assert.Equal(2, uploaded.Version);
    }

    [Fact]
    public async Task Version_from_a_staging_id_never_completed_is_refused_naming_it()
    {
        var model = await NewModel();
        var unknown = Guid.NewGuid().ToString("N");
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = model, Source = $"staging:/{unknown}" }).ResponseAsync,
            $"staging:/{unknown}' is refused: it holds no completed upload");
        // Bytes put there behind the API's back (no manifest) are not a completed upload either.
        var behind = Guid.NewGuid().ToString("N");
        await UploadFolder($"staging/{behind}", package.PackageDirectory);
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = model, Source = $"staging:/{behind}" }).ResponseAsync,
            $"staging:/{behind}' is refused: it holds no completed upload");
        var found = await Registry.SearchModelVersionsAsync(new Reg.SearchModelVersionsRequest { Filter = $"name = '{model}'" });
        Assert.Empty(found.ModelVersions);
    }

    [Fact]
    public async Task Fifty_concurrent_registrations_get_gapless_unique_numbers()
    {
        var model = await NewModel();
        var runId = await RunWithPackage();
        var versions = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Register(model, runId)));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), versions.Select(v => v.Version).Order());
        Assert.All(versions, v => Assert.Equal(Reg.ModelVersionStatus.Ready, v.Status));
    }

    [Fact]
    public async Task Unknown_model_and_version_are_not_found()
    {
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { Name = Unique("none"), Version = 1 }).ResponseAsync);
        var model = await NewModel();
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { Name = model, Version = 7 }).ResponseAsync, "7");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { Name = model, Version = 0 }).ResponseAsync, "version");
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = model, Source = $"runs:/{Guid.NewGuid():N}/model" }).ResponseAsync);
    }
}
