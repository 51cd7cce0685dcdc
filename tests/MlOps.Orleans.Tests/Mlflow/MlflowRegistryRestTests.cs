using System.Net;
using System.Net.Http.Headers;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Tests.Models;
using Reg = MlOps.Orleans.Protos.Registry.V1;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>MLflow's registry routes and artifact proxy over real HTTP; one model, two doors.</summary>
public abstract class MlflowRegistryRestTests(PlatformFixture platform, TrainedPackageFixture package)
{
    private readonly MlflowRest _rest = new(platform.Http);
    private readonly MlflowRest _artifacts = new(platform.Http, "/api/2.0/mlflow-artifacts/");

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A run whose model folder was uploaded through the MLflow artifact proxy, as the Python client does.</summary>
    private async Task<(string ExperimentId, string RunId)> RunWithProxiedModel()
    {
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("reg") })))["experiment_id"]!;
        var run = (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!["info"]!["run_id"]!;
        foreach (var file in Directory.EnumerateFiles(package.PackageDirectory))
        {
            using var content = new StreamContent(File.OpenRead(file));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/model/{Path.GetFileName(file)}", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return (e, run);
    }

    [Fact]
    public async Task Model_registered_through_mlflow_from_a_proxied_artifact_uri_is_ready_and_visible_over_grpc()
    {
        var (e, run) = await RunWithProxiedModel();
        var name = Unique("model");
        await _rest.Ok(_rest.Post("registered-models/create", new { name, description = "via mlflow", tags = new[] { new { key = "team", value = "ml" } } }));
        var version = await _rest.Ok(_rest.Post("model-versions/create", new { name, source = $"mlflow-artifacts:/{e}/{run}/artifacts/model", run_id = run }));
        Assert.Equal("1", (string?)version["model_version"]!["version"]);
        Assert.Equal("READY", (string?)version["model_version"]!["status"]);
        var viaGrpc = await new Reg.RegistryService.RegistryServiceClient(platform.Channel).GetModelVersionAsync(new Reg.GetModelVersionRequest { Name = name, Version = 1 });
        Assert.Equal(Reg.ModelVersionStatus.Ready, viaGrpc.Status);
        var fromRuns = await _rest.Ok(_rest.Post("model-versions/create", new { name, source = $"runs:/{run}/model" }));
        Assert.Equal("2", (string?)fromRuns["model_version"]!["version"]);
    }

    [Fact]
    public async Task Model_registered_over_grpc_is_visible_to_mlflow_with_aliases_and_stages()
    {
        var (_, run) = await RunWithProxiedModel();
        var name = Unique("grpc");
        var registry = new Reg.RegistryService.RegistryServiceClient(platform.Channel);
        await registry.CreateRegisteredModelAsync(new Reg.CreateRegisteredModelRequest { Name = name });
        await registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = name, Source = $"runs:/{run}/model" });
        await _rest.Ok(_rest.Post("registered-models/alias", new { name, alias = "champion", version = "1" }));
        var byAlias = await _rest.Ok(_rest.Get("registered-models/alias", ("name", name), ("alias", "champion")));
        Assert.Equal("1", (string?)byAlias["model_version"]!["version"]);
        var staged = await _rest.Ok(_rest.Post("model-versions/transition-stage", new { name, version = "1", stage = "Production", archive_existing_versions = true }));
        Assert.Equal("Production", (string?)staged["model_version"]!["current_stage"]);
        var latest = await _rest.Ok(_rest.Post("registered-models/get-latest-versions", new { name, stages = new[] { "Production" } }));
        Assert.Single(latest["model_versions"]!.AsArray());
        var model = await _rest.Ok(_rest.Get("registered-models/get", ("name", name)));
        Assert.Equal("champion", (string?)model["registered_model"]!["aliases"]![0]!["alias"]);
        // What a 2.x client adds to every search: a model without the prompt tag matches, as in MLflow (issue 18).
        var search = await _rest.Ok(_rest.Get("registered-models/search", ("filter", $"name = '{name}' AND tag.`mlflow.prompt.is_prompt` != 'true'")));
        Assert.Single(search["registered_models"]!.AsArray());
        var plain = await _rest.Ok(_rest.Get("registered-models/search", ("filter", $"name LIKE '{name}%'")));
        Assert.Single(plain["registered_models"]!.AsArray());
        var uri = await _rest.Ok(_rest.Get("model-versions/get-download-uri", ("name", name), ("version", "1")));
        Assert.StartsWith("mlflow-artifacts:/models/", (string?)uri["artifact_uri"]);
        var path = ((string)uri["artifact_uri"]!)["mlflow-artifacts:/".Length..];
        var listed = await _artifacts.Ok(_artifacts.Get("artifacts", ("path", path)));
        Assert.Contains(listed["files"]!.AsArray(), f => (string?)f!["path"] == "model.onnx");
    }

    [Fact]
    public async Task Registry_update_rename_tags_delete_over_mlflow()
    {
        var name = Unique("ops");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        await _rest.Ok(_rest.Post("registered-models/update", new { name, description = "d2" }, "PATCH"));
        var renamed = Unique("ops2");
        await _rest.Ok(_rest.Post("registered-models/rename", new { name, new_name = renamed }));
        await _rest.Ok(_rest.Post("registered-models/set-tag", new { name = renamed, key = "k", value = "v" }));
        await _rest.Ok(_rest.Post("registered-models/delete-tag", new { name = renamed, key = "k" }, "DELETE"));
        await _rest.Ok(_rest.Post("registered-models/delete", new { name = renamed }, "DELETE"));
        await MlflowRest.Refused(_rest.Get("registered-models/get", ("name", renamed)), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", renamed);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    [InlineData("mlflow-artifacts:/../../etc/passwd")]
    [InlineData("https://example.com/a/../model")]
    public async Task Model_version_source_naming_a_server_path_or_a_traversal_is_refused_over_mlflow(string source)
    {
        var name = Unique("bad");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        await MlflowRest.Refused(_rest.Post("model-versions/create", new { name, source }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "source");
    }

    [Fact]
    public async Task Registry_bad_input_gets_mlflow_errors()
    {
        var name = Unique("errs");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        await MlflowRest.Refused(_rest.Post("registered-models/create", new { name }), HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS", name);
        await MlflowRest.Refused(_rest.Get("model-versions/get", ("name", name), ("version", "x")), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "version");
        await MlflowRest.Refused(_rest.Get("model-versions/get", ("name", name), ("version", "9")), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await MlflowRest.Refused(_rest.Post("registered-models/alias", new { name, alias = "v1", version = "1" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "alias");
        await MlflowRest.Refused(_rest.Post("model-versions/transition-stage", new { name, version = "1", stage = "Prod" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "stage");
    }

    [Fact]
    public async Task Multipart_upload_joins_parts_in_order_into_the_run_artifact()
    {
        var (e, run) = await RunWithProxiedModel();
        var path = $"{e}/{run}/artifacts/big.bin";
        var created = await _artifacts.Ok(_artifacts.Post($"mpu/create/{path}", new { path, num_parts = 3 }));
        var uploadId = (string)created["upload_id"]!;
        var credentials = created["credentials"]!.AsArray();
        Assert.Equal(3, credentials.Count);
        var parts = new[] { new byte[70000], new byte[70000], new byte[123] };
        for (var i = 0; i < parts.Length; i++)
        {
            Array.Fill(parts[i], (byte)(i + 1));
            using var put = await platform.Http.PutAsync((string)credentials[i]!["url"]!, new ByteArrayContent(parts[i]));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        await _artifacts.Ok(_artifacts.Post($"mpu/complete/{path}", new { path, upload_id = uploadId, parts = new[] { new { part_number = 2 }, new { part_number = 1 }, new { part_number = 3 } } }));
        var bytes = await platform.Http.GetByteArrayAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}");
        Assert.Equal(parts.SelectMany(p => p).ToArray(), bytes);
        // A completed upload is gone: its id no longer takes parts or completes.
        await MlflowRest.Refused(_artifacts.Post($"mpu/complete/{path}", new { path, upload_id = uploadId, parts = new[] { new { part_number = 2 } } }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", uploadId);
    }

    [Fact]
    public async Task Artifact_proxy_uploads_lists_downloads_and_deletes_within_a_run_only()
    {
        var (e, run) = await RunWithProxiedModel();
        var listed = await _artifacts.Ok(_artifacts.Get("artifacts", ("path", $"{e}/{run}/artifacts/model")));
        Assert.Contains(listed["files"]!.AsArray(), f => (string?)f!["path"] == "mlops-model.json" && (bool)f["is_dir"]! == false);
        var viaTracking = await _rest.Ok(_rest.Get("artifacts/list", ("run_id", run), ("path", "model")));
        Assert.Equal($"mlflow-artifacts:/{e}/{run}/artifacts", (string?)viaTracking["root_uri"]);
        var bytes = await platform.Http.GetByteArrayAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/model/model.onnx");
        Assert.Equal(new FileInfo(Path.Combine(package.PackageDirectory, "model.onnx")).Length, bytes.Length);
        // The client may collapse dot segments before sending: then the server sees <experiment>/x, a free file below the
        // experiment's own location (kept in its files area), and the run's artifacts are untouched either way (below).
        using (var dots = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/%2e%2e/%2e%2e/x", new ByteArrayContent([1])))
            Assert.Contains(dots.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.OK });
        using (var encoded = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/..%2F..%2Fx", new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.BadRequest, encoded.StatusCode);
        var after = await _artifacts.Ok(_artifacts.Get("artifacts", ("path", $"{e}/{run}/artifacts")));
        Assert.Equal(["model"], after["files"]!.AsArray().Select(f => (string)f!["path"]!));
        using (var other = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{Guid.NewGuid():N}/artifacts/x", new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using (var delete = await platform.Http.DeleteAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/model/model.onnx"))
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        using var gone = await platform.Http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/model/model.onnx");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}

[Trait("Category", Category.Platform)]
public sealed class SqliteMlflowRegistryRestTests(SqlitePlatformFixture platform, TrainedPackageFixture package)
    : MlflowRegistryRestTests(platform, package), IClassFixture<SqlitePlatformFixture>, IClassFixture<TrainedPackageFixture>;

[Trait("Category", Category.Platform)]
public sealed class PostgresMlflowRegistryRestTests(PostgresPlatformFixture platform, TrainedPackageFixture package)
    : MlflowRegistryRestTests(platform, package), IClassFixture<PostgresPlatformFixture>, IClassFixture<TrainedPackageFixture>;
