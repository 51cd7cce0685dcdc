using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Reg = MlOps.Orleans.Protos.Registry.V1;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>
/// Sources outside the store recorded as given (never copied, never resolved, refused by every reading path), run ids
/// kept as sent, and the artifact proxy's literal '%', download headers and read-only areas.
/// </summary>
public abstract partial class MlflowSemanticsRestTests
{
    [Fact]
    public async Task A_source_outside_the_store_is_recorded_ready_with_no_copy_and_every_reading_path_refuses_it()
    {
        var (e, run) = await RunAsync();
        await PutAsync($"{e}/{run}/artifacts/keep.txt", "still here");
        var name = Unique("outside");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        var unknownRun = Guid.NewGuid().ToString("N");
        var version = (JsonObject)(await _rest.Ok(_rest.Post("model-versions/create", new { name, source = "s3://bucket/models/m", run_id = unknownRun })))["model_version"]!;
        Assert.Equal(("READY", "s3://bucket/models/m", unknownRun), ((string)version["status"]!, (string)version["source"]!, (string)version["run_id"]!));
        Assert.Equal("s3://bucket/models/m", (string?)(await _rest.Ok(_rest.Get("model-versions/get-download-uri", ("name", name), ("version", "1"))))["artifact_uri"]);

        // Copying through models:/, the version's files, the native download location: each refuses with the reason.
        await MlflowRest.Refused(_rest.Post("model-versions/create", new { name, source = $"models:/{name}/1" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "recorded as given");
        using (var file = await platform.Http.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path=MLmodel"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, file.StatusCode);
            Assert.Contains("nothing was copied", await file.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var registry = new Reg.RegistryService.RegistryServiceClient(platform.Channel);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await registry.GetModelVersionDownloadUriAsync(new Reg.GetModelVersionRequest { Name = name, Version = 1 }));
        Assert.Equal((StatusCode.FailedPrecondition, true), (refused.StatusCode, refused.Status.Detail.Contains("nothing was copied", StringComparison.Ordinal)));
        var lineage = await registry.GetModelVersionLineageAsync(new Reg.GetModelVersionRequest { Name = name, Version = 1 });
        Assert.Equal((true, false), (lineage.RunUnresolved, lineage.Run is not null));

        // Deleting it removes the record only: with no copy there is nothing of the store to delete.
        await _rest.Ok(_rest.Post("model-versions/delete", new { name, version = "1" }, "DELETE"));
        using (var kept = await platform.Http.GetAsync($"/get-artifact?run_uuid={run}&path=keep.txt"))
            Assert.Equal("still here", await kept.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("mlflow-artifacts://host:9000/models/../../../", "If supplying a source as an http, https,")]
    [InlineData("http://host:9000/models/../../../", "If supplying a source as an http, https,")]
    [InlineData("s3a://bucket/api/2.0/mlflow-artifacts/artifacts/../../../", "If supplying a source as an http, https,")]
    [InlineData("mlflow-artifacts://host:9000/models/..%2f..%2fartifacts", "If supplying a source as an http, https,")]
    [InlineData("mlflow-artifacts://host:9000/models/artifact%00", "If supplying a source as an http, https,")]
    [InlineData("dbfs:/x/artifacts/a%3f/../../../", "Invalid model version source")]
    [InlineData("/tmp", "To use a local path as a model version")]
    [InlineData("file:///tmp", "To use a local path as a model version")]
    [InlineData("file://123.456.789.123/path/to/source", "is not a valid remote uri")]
    public async Task A_recorded_source_that_could_be_turned_into_a_traversal_or_a_server_path_is_refused(string source, string mention)
    {
        var (_, run) = await RunAsync();
        var name = Unique("refused");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        await MlflowRest.Refused(_rest.Post("model-versions/create", new { name, source, run_id = run }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", mention);
        Assert.Null((await _rest.Ok(_rest.Get("registered-models/get", ("name", name))))["registered_model"]!["latest_versions"]);
    }

    [Fact]
    public async Task A_server_path_inside_a_local_experiments_run_directory_is_recorded_and_the_source_run_can_differ_from_run_id()
    {
        var local = Path.Combine(Path.GetTempPath(), "mlops-never-read", Guid.NewGuid().ToString("N"));
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("local"), artifact_location = local })))["experiment_id"]!;
        var run = (JsonObject)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!;
        var (runId, root) = ((string)run["info"]!["run_id"]!, (string)run["info"]!["artifact_uri"]!);
        var name = Unique("local");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        var recorded = (await _rest.Ok(_rest.Post("model-versions/create", new { name, source = root + "/model/..", run_id = runId })))["model_version"]!;
        Assert.Equal("READY", (string?)recorded["status"]);
        Assert.False(Directory.Exists(local), "a recorded local source is never touched");
        await MlflowRest.Refused(_rest.Post("model-versions/create", new { name, source = root + "/../other" , run_id = runId }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "To use a local path as a model version");

        // A store source with another run's id: kept as sent, as MLflow keeps it.
        var (se, sourceRun) = await RunAsync();
        await PutAsync($"{se}/{sourceRun}/artifacts/model/MLmodel", MlOps.Orleans.Bench.Workloads.MlflowSessionReplay.MinimalMlmodel);
        var linked = (await _rest.Ok(_rest.Post("model-versions/create", new { name, source = $"runs:/{sourceRun}/model", run_id = runId })))["model_version"]!;
        Assert.Equal(("READY", runId), ((string)linked["status"]!, (string)linked["run_id"]!));
    }

    [Fact]
    public async Task The_proxy_keeps_a_literal_percent_types_downloads_by_name_and_never_writes_into_models_staging_or_features()
    {
        var (e, run) = await RunAsync();
        var image = $"{e}/{run}/artifacts/images/dog%step%100%timestamp%100%ab12.png";
        await PutAsync(image, "png-bytes");
        using (var download = await platform.Http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{image.Replace("%", "%25", StringComparison.Ordinal)}"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
            Assert.Contains("attachment; filename=dog%step%100%timestamp%100%ab12.png", download.Content.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);
            Assert.Contains("nosniff", download.Headers.GetValues("X-Content-Type-Options"));
        }
        await PutAsync($"{e}/{run}/artifacts/MLmodel", "flavors: {}");
        using (var mlmodel = await platform.Http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/MLmodel"))
            Assert.Equal("text/plain", mlmodel.Content.Headers.ContentType?.MediaType);

        foreach (var area in new[] { "models/x/1/MLmodel", "staging/0123456789abcdef0123456789abcdef/a.txt", "feature-store/views/v/part.parquet" })
        {
            using var put = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{area}", new StringContent("overwrite"));
            Assert.True(put.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"PUT {area}: {put.StatusCode}");
            using var delete = await platform.Http.DeleteAsync($"/api/2.0/mlflow-artifacts/artifacts/{area}");
            Assert.True(delete.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"DELETE {area}: {delete.StatusCode}");
            Assert.False(await Store.ExistsAsync(area), $"{area} was written");
        }
    }

    [Fact]
    public async Task A_run_in_an_experiment_with_its_own_proxy_location_stores_there_and_free_files_stay_in_the_experiments_area()
    {
        var location = $"team-{Guid.NewGuid():N}/exp";
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("loc"), artifact_location = $"mlflow-artifacts:/{location}" })))["experiment_id"]!;
        var run = (JsonObject)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!;
        var runId = (string)run["info"]!["run_id"]!;
        Assert.Equal($"mlflow-artifacts:/{location}/{runId}/artifacts", (string?)run["info"]!["artifact_uri"]);
        await PutAsync($"{location}/{runId}/artifacts/model/MLmodel", "flavors: {}");
        var listed = await _rest.Ok(_rest.Get("artifacts/list", ("run_id", runId), ("path", "model")));
        Assert.Equal("model/MLmodel", (string?)listed["files"]![0]!["path"]);
        // The run is reached only through its own recorded location.
        using (var elsewhere = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/other/{runId}/artifacts/x.txt", new StringContent("x")))
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);

        await PutAsync($"{location}/notes/readme.txt", "free");
        using (var read = await platform.Http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{location}/notes/readme.txt"))
            Assert.Equal("free", await read.Content.ReadAsStringAsync());
        Assert.True(await Store.ExistsAsync($"{e}/files/notes/readme.txt"));
        var notes = await _rest.Ok(new MlflowRest(platform.Http, "/api/2.0/mlflow-artifacts/").Get("artifacts", ("path", $"{location}/notes")));
        Assert.Equal("readme.txt", (string?)notes["files"]![0]!["path"]);
        using (var delete = await platform.Http.DeleteAsync($"/api/2.0/mlflow-artifacts/artifacts/{location}/notes/readme.txt"))
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.False(await Store.ExistsAsync($"{e}/files/notes/readme.txt"));
        // A segment that only looks like a run id (MLflow's are any word) but names no run is part of a free file's path.
        await PutAsync($"{location}/draft/artifacts/plot.txt", "plot");
        Assert.True(await Store.ExistsAsync($"{e}/files/draft/artifacts/plot.txt"));
        // Multipart uploads are bound to a run; a free file is PUT whole.
        var proxy = new MlflowRest(platform.Http, "/api/2.0/mlflow-artifacts/");
        await MlflowRest.Refused(proxy.Post($"mpu/create/{location}/notes/big.bin", new { path = $"{location}/notes/big.bin", num_parts = 2 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "multipart upload is only for a run's artifacts");
        Assert.False(await Store.ExistsAsync($"{e}/files/notes/big.bin"));

        // A location whose second segment is "models" still holds runs (not mistaken for a logged model's folder).
        var modelsLike = $"team-{Guid.NewGuid():N}/models";
        var e2 = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("loc2"), artifact_location = $"mlflow-artifacts:/{modelsLike}" })))["experiment_id"]!;
        var run2 = (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e2 })))["run"]!["info"]!["run_id"]!;
        await PutAsync($"{modelsLike}/{run2}/artifacts/a.txt", "a");
        Assert.Equal("a.txt", (string?)(await _rest.Ok(_rest.Get("artifacts/list", ("run_id", run2))))["files"]![0]!["path"]);

        // Nothing at the proxy's root or below no experiment.
        using (var root = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/free-{Guid.NewGuid():N}.txt", new StringContent("x")))
            Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }

    [Fact]
    public async Task A_proxy_location_that_is_the_store_a_reserved_area_another_experiments_area_or_overlaps_one_is_refused()
    {
        var own = $"team-{Guid.NewGuid():N}/x";
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("own"), artifact_location = $"mlflow-artifacts:/{own}" })))["experiment_id"]!;
        var refused = new (string Location, string Mention)[]
        {
            ("mlflow-artifacts:/", "whole artifact store"),
            ("mlflow-artifacts:/models", "reserved area 'models'"),
            ("mlflow-artifacts:/staging/x", "reserved area 'staging'"),
            ("mlflow-artifacts:/feature-store", "reserved area 'feature-store'"),
            ($"mlflow-artifacts:/{e}", $"experiment {e}'s own area"),
            ($"mlflow-artifacts:/{own}/sub", $"overlaps the location of experiment {e}"),
            ($"mlflow-artifacts:/{own.Split('/')[0]}", $"overlaps the location of experiment {e}"),
            ($"mlflow-artifacts:/{own}", $"overlaps the location of experiment {e}"),
            ("mlflow-artifacts:/a\u0000b", "control character"),
            ("mlflow-artifacts:/a%00b", "encoded NUL"),
        };
        foreach (var (location, mention) in refused)
        {
            var name = Unique("refused");
            await MlflowRest.Refused(_rest.Post("experiments/create", new { name, artifact_location = location }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", mention);
            // Nothing was created.
            await MlflowRest.Refused(_rest.Get("experiments/get-by-name", ("experiment_name", name)), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        }
        // A deleted experiment's location is free again; a sibling location never overlapped.
        await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("sibling"), artifact_location = $"mlflow-artifacts:/{own}-2" }));
        await _rest.Ok(_rest.Post("experiments/delete", new { experiment_id = e }));
        await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("again"), artifact_location = $"mlflow-artifacts:/{own}/sub" }));
    }

    [Fact]
    public async Task A_runs_uri_naming_no_run_is_recorded_as_given_with_its_run_id_and_lineage_says_unresolved()
    {
        var name = Unique("given");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        var version = (await _rest.Ok(_rest.Post("model-versions/create", new { name, source = "runs:/run_id/model", run_id = "run_id_1" })))["model_version"]!;
        Assert.Equal(("READY", "runs:/run_id/model", "run_id_1"), ((string)version["status"]!, (string)version["source"]!, (string)version["run_id"]!));
        var found = (await _rest.Ok(_rest.Post("model-versions/search", new { filter = $"name = '{name}' AND run_id = 'run_id_1'" })))["model_versions"]!.AsArray();
        Assert.Single(found);
        var lineage = await new Reg.RegistryService.RegistryServiceClient(platform.Channel).GetModelVersionLineageAsync(new Reg.GetModelVersionRequest { Name = name, Version = 1 });
        Assert.True(lineage.RunUnresolved);
        using var empty = await platform.Http.GetAsync("/ajax-api/2.0/mlflow/gateway-proxy");
        Assert.Equal("{\"endpoints\":[]}", await empty.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Version_search_orders_as_mlflow_and_version_changes_move_the_models_last_update()
    {
        var prefix = Unique("order");
        var names = new[] { $"{prefix}-a", $"{prefix}-b" };
        foreach (var name in names) await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        async Task<long> ModelUpdated(string name) => (long)(await _rest.Ok(_rest.Get("registered-models/get", ("name", name))))["registered_model"]!["last_updated_timestamp"]!;
        var created = await ModelUpdated(names[0]);
        foreach (var name in names.Concat(names))
        {
            var before = await ModelUpdated(name);
            var version = (await _rest.Ok(_rest.Post("model-versions/create", new { name, source = "runs:/run_id/model", run_id = "run_id" })))["model_version"]!;
            Assert.Equal((long)version["last_updated_timestamp"]!, await ModelUpdated(name));
            Assert.True(await ModelUpdated(name) >= before);
        }
        async Task<string[]> Order(params string[] orderBy) =>
            [.. (await _rest.Ok(_rest.Post("model-versions/search", new { filter = $"name LIKE '{prefix}%'", order_by = orderBy })))["model_versions"]!.AsArray()
                .Select(v => $"{(string)v!["name"]!}/{(string)v["version"]!}")];
        // The default is newest change first (then name ascending, newest version: two versions may share a millisecond);
        // a given order is tie-broken by name ascending, then the newest version.
        var all = (await _rest.Ok(_rest.Post("model-versions/search", new { filter = $"name LIKE '{prefix}%'" })))["model_versions"]!.AsArray()
            .Select(v => (Name: (string)v!["name"]!, Version: long.Parse((string)v["version"]!, System.Globalization.CultureInfo.InvariantCulture), Updated: (long)v["last_updated_timestamp"]!)).ToList();
        Assert.Equal(all.OrderByDescending(v => v.Updated).ThenBy(v => v.Name, StringComparer.Ordinal).ThenByDescending(v => v.Version).ToList(), all);
        Assert.Equal(4, all.Count);
        Assert.Equal([$"{names[1]}/2", $"{names[1]}/1", $"{names[0]}/2", $"{names[0]}/1"], await Order("name DESC"));
        Assert.Equal([$"{names[0]}/2", $"{names[1]}/2", $"{names[0]}/1", $"{names[1]}/1"], await Order("version_number DESC"));

        var beforeStage = await ModelUpdated(names[0]);
        await _rest.Ok(_rest.Post("model-versions/transition-stage", new { name = names[0], version = "1", stage = "Staging", archive_existing_versions = false }));
        var afterStage = await ModelUpdated(names[0]);
        Assert.True(afterStage >= beforeStage && afterStage >= created);
        await _rest.Ok(_rest.Post("model-versions/update", new { name = names[0], version = "1", description = "d" }, "PATCH"));
        Assert.Equal(afterStage, await ModelUpdated(names[0]));
        await _rest.Ok(_rest.Post("model-versions/delete", new { name = names[0], version = "1" }, "DELETE"));
        Assert.True(await ModelUpdated(names[0]) >= afterStage);
        await MlflowRest.Refused(_rest.Get("model-versions/get", ("name", names[0]), ("version", "1")), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            $"Model Version (name={names[0]}, version=1) not found");
    }

    private MlOps.Orleans.Artifacts.IArtifactStore Store =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MlOps.Orleans.Artifacts.IArtifactStore>(platform.Services);

    private async Task PutAsync(string key, string text)
    {
        using var put = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{key.Replace("%", "%25", StringComparison.Ordinal)}", new StringContent(text));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }
}
