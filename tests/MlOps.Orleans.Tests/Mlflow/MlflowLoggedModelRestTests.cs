using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Workloads;
using MlOps.Orleans.Tests.Infrastructure;
using Reg = MlOps.Orleans.Protos.Registry.V1;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>MLflow 3's logged models over real HTTP on both catalogs: lifecycle, search, run links, registry, bad input.</summary>
public abstract class MlflowLoggedModelRestTests(PlatformFixture platform)
{
    private const string MinimalMlmodel = MlflowSessionReplay.MinimalMlmodel;

    private readonly MlflowRest _rest = new(platform.Http);
    private readonly MlflowRest _proxy = new(platform.Http, "/api/2.0/mlflow-artifacts/");

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<(string Experiment, string Run)> RunAsync()
    {
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("lm") })))["experiment_id"]!;
        var run = (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!["info"]!["run_id"]!;
        return (e, run);
    }

    private async Task<JsonObject> CreateAsync(string experiment, object? extra = null, string name = "model", string? run = null)
    {
        var body = new JsonObject { ["experiment_id"] = experiment, ["name"] = name };
        if (run is not null) body["source_run_id"] = run;
        if (extra is not null)
            foreach (var (k, v) in JsonSerializerNode(extra)) body[k] = v?.DeepClone();
        return (JsonObject)(await _rest.Ok(_rest.Post("logged-models", body)))["model"]!;
    }

    private static JsonObject JsonSerializerNode(object o) => (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(o)!;

    private async Task PutAsync(string key, string content)
    {
        using var response = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{key}", new StringContent(content, Encoding.UTF8));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Logged_model_lives_from_pending_to_ready_with_files_params_tags_metrics_and_run_outputs()
    {
        var (e, run) = await RunAsync();
        var model = await CreateAsync(e, new { model_type = "sklearn", @params = new[] { new { key = "C", value = "0.5" } }, tags = new[] { new { key = "team", value = "ml" } } }, run: run);
        var id = (string)model["info"]!["model_id"]!;
        Assert.Matches("^m-[0-9a-f]{32}$", id);
        Assert.Equal("LOGGED_MODEL_PENDING", (string?)model["info"]!["status"]);
        Assert.Equal($"mlflow-artifacts:/{e}/models/{id}/artifacts", (string?)model["info"]!["artifact_uri"]);
        Assert.Equal(run, (string?)model["info"]!["source_run_id"]);

        await PutAsync($"{e}/models/{id}/artifacts/MLmodel", MinimalMlmodel);
        await PutAsync($"{e}/models/{id}/artifacts/data/weights.bin", "0123456789");
        var listing = await _proxy.Ok(_proxy.Get("artifacts", ("path", $"{e}/models/{id}/artifacts")));
        Assert.Equal(["MLmodel", "data"], listing["files"]!.AsArray().Select(f => (string)f!["path"]!).Order(StringComparer.Ordinal));
        var nested = await _rest.Ok(_rest.Get($"logged-models/{id}/artifacts/directories", ("artifact_directory_path", "data")));
        Assert.Equal("data/weights.bin", (string?)nested["files"]![0]!["path"]);
        Assert.Equal(10, (long)nested["files"]![0]!["file_size"]!);
        Assert.Equal(MinimalMlmodel, await platform.Http.GetStringAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/models/{id}/artifacts/MLmodel"));

        var ready = await _rest.Ok(_rest.Post($"logged-models/{id}", new { model_id = id, status = "LOGGED_MODEL_READY" }, "PATCH"));
        Assert.Equal("LOGGED_MODEL_READY", (string?)ready["model"]!["info"]!["status"]);
        await _rest.Ok(_rest.Post($"logged-models/{id}/tags", new { tags = new[] { new { key = "stage", value = "candidate" } } }, "PATCH"));
        await _rest.Ok(_rest.Post($"logged-models/{id}/tags/team", new { }, "DELETE"));
        await _rest.Ok(_rest.Post($"logged-models/{id}/params", new { model_id = id, @params = new[] { new { key = "max_iter", value = "200" } } }));
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}/params", new { @params = new[] { new { key = "C", value = "9" } } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "param 'C'");

        await _rest.Ok(_rest.Post("runs/log-batch", new
        {
            run_id = run,
            metrics = new object[]
            {
                new { key = "acc", value = 0.91, timestamp = 1000, step = 3, model_id = id, dataset_name = "eval", dataset_digest = "d1" },
                new { key = "loss", value = 0.2, timestamp = 1000, step = 3 },
            },
        }));
        await _rest.Ok(_rest.Post("runs/outputs", new { run_id = run, models = new[] { new { model_id = id, step = 3 } } }));

        var got = (JsonObject)(await _rest.Ok(_rest.Get($"logged-models/{id}")))["model"]!;
        Assert.Equal(["stage"], got["info"]!["tags"]!.AsArray().Select(t => (string)t!["key"]!));
        Assert.Equal(["C", "max_iter"], got["data"]!["params"]!.AsArray().Select(p => (string)p!["key"]!));
        var metric = Assert.Single(got["data"]!["metrics"]!.AsArray());
        Assert.Equal(("acc", 0.91, "eval", "d1", run, id), ((string)metric!["key"]!, (double)metric["value"]!, (string)metric["dataset_name"]!,
            (string)metric["dataset_digest"]!, (string)metric["run_id"]!, (string)metric["model_id"]!));

        var runView = (JsonObject)(await _rest.Ok(_rest.Get("runs/get", ("run_id", run))))["run"]!;
        Assert.Equal(id, (string?)runView["outputs"]!["model_outputs"]![0]!["model_id"]);
        Assert.Equal(3, (long)runView["outputs"]!["model_outputs"]![0]!["step"]!);
        Assert.Contains(runView["data"]!["metrics"]!.AsArray(), m => (string?)m!["key"] == "acc");
        var searched = await _rest.Ok(_rest.Post("runs/search", new { experiment_ids = new[] { e } }));
        Assert.Equal(id, (string?)searched["runs"]![0]!["outputs"]!["model_outputs"]![0]!["model_id"]);

        await _rest.Ok(_rest.Post($"logged-models/{id}", new { }, "DELETE"));
        await MlflowRest.Refused(_rest.Get($"logged-models/{id}"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Logged model with ID '{id}' not found");
        Assert.Null((await _rest.Ok(_rest.Post("logged-models/search", new { experiment_ids = new[] { e } })))["models"]);
    }

    [Fact]
    public async Task Search_filters_orders_and_pages_by_attributes_params_tags_metrics_and_datasets()
    {
        var (e, run) = await RunAsync();
        var ids = new List<string>();
        foreach (var (name, acc, family) in new[] { ("alpha", 0.7, "tree"), ("beta", 0.9, "linear"), ("gamma", 0.8, "tree") })
        {
            var id = (string)(await CreateAsync(e, new { @params = new[] { new { key = "family", value = family } }, tags = new[] { new { key = "owner", value = name[..1] } } }, name, run))["info"]!["model_id"]!;
            await _rest.Ok(_rest.Post("runs/log-metric", new { run_id = run, key = "acc", value = acc, timestamp = 5, step = 0, model_id = id, dataset_name = name == "beta" ? "holdout" : "eval" }));
            ids.Add(id);
        }
        await _rest.Ok(_rest.Post($"logged-models/{ids[1]}", new { status = "LOGGED_MODEL_READY" }, "PATCH"));

        async Task<string[]> Names(object body) =>
            ((await _rest.Ok(_rest.Post("logged-models/search", body)))["models"]?.AsArray() ?? []).Select(m => (string)m!["info"]!["name"]!).ToArray();
        // Newest first by default (models made in the same millisecond tie-break by id, so only the times are checked).
        var all = (await _rest.Ok(_rest.Post("logged-models/search", new { experiment_ids = new[] { e } })))["models"]!.AsArray();
        Assert.Equal(3, all.Count);
        var times = all.Select(m => (long)m!["info"]!["creation_timestamp_ms"]!).ToList();
        Assert.Equal(times.OrderDescending(), times);
        async Task<string[]> Set(object body) => (await Names(body)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["alpha", "gamma"], await Set(new { experiment_ids = new[] { e }, filter = "params.family IN ('tree')" }));
        Assert.Equal(["beta"], await Names(new { experiment_ids = new[] { e }, filter = "status = 'READY'" }));
        Assert.Equal(["beta"], await Names(new { experiment_ids = new[] { e }, filter = "status = 'LOGGED_MODEL_READY' AND tags.owner = 'b'" }));
        Assert.Equal(["beta", "gamma"], await Set(new { experiment_ids = new[] { e }, filter = "metrics.acc >= 0.8" }));
        Assert.Equal(["gamma"], await Names(new { experiment_ids = new[] { e }, filter = "metrics.acc >= 0.8", datasets = new[] { new { dataset_name = "eval" } } }));
        Assert.Equal(["beta"], await Names(new { experiment_ids = new[] { e }, datasets = new[] { new { dataset_name = "holdout" } } }));
        Assert.Equal(["alpha", "gamma", "beta"], await Names(new { experiment_ids = new[] { e }, order_by = new[] { new { field_name = "metrics.acc", ascending = true } } }));
        Assert.Equal(["alpha", "beta", "gamma"], await Names(new { experiment_ids = new[] { e }, filter = "name LIKE '%a%'", order_by = new[] { new { field_name = "name", ascending = true } } }));

        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await _rest.Ok(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, max_results = 1, page_token = token, order_by = new[] { new { field_name = "name", ascending = false } } }));
            paged.AddRange(page["models"]!.AsArray().Select(m => (string)m!["info"]!["name"]!));
            token = (string?)page["next_page_token"];
        }
        while (token is not null);
        Assert.Equal(["gamma", "beta", "alpha"], paged);
    }

    [Fact]
    public async Task Version_registered_from_a_logged_model_links_run_model_id_download_uri_and_the_versions_tag()
    {
        var (e, run) = await RunAsync();
        var id = (string)(await CreateAsync(e, run: run))["info"]!["model_id"]!;
        await PutAsync($"{e}/models/{id}/artifacts/MLmodel", MinimalMlmodel);
        await _rest.Ok(_rest.Post($"logged-models/{id}", new { status = "LOGGED_MODEL_READY" }, "PATCH"));
        var name = Unique("reg");
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        var version = (JsonObject)(await _rest.Ok(_rest.Post("model-versions/create", new { name, source = $"models:/{id}", model_id = id })))["model_version"]!;
        Assert.Equal(("READY", run, id), ((string)version["status"]!, (string)version["run_id"]!, (string)version["model_id"]!));
        Assert.Contains("not servable", (string?)version["status_message"]);
        var uri = await _rest.Ok(_rest.Get("model-versions/get-download-uri", ("name", name), ("version", "1")));
        Assert.Equal($"mlflow-artifacts:/{e}/models/{id}/artifacts", (string?)uri["artifact_uri"]);
        var tags = (await _rest.Ok(_rest.Get($"logged-models/{id}")))["model"]!["info"]!["tags"]!.AsArray();
        var versions = JsonNode.Parse((string)tags.Single(t => (string?)t!["key"] == "mlflow.modelVersions")!["value"]!)!.AsArray();
        Assert.Equal((name, 1L), ((string)versions[0]!["name"]!, (long)versions[0]!["version"]!));

        // The native lineage names the logged model between the version and its run.
        var lineage = await new Reg.RegistryService.RegistryServiceClient(platform.Channel).GetModelVersionLineageAsync(new Reg.GetModelVersionRequest { Name = name, Version = 1 });
        Assert.Equal((id, run, "LoggedModelReady"), (lineage.LoggedModel.ModelId, lineage.Run.Info.RunId, lineage.LoggedModel.Status.ToString()));

        await MlflowRest.Refused(_rest.Get("registered-models/alias", ("name", name), ("alias", "champion")),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "alias champion not found");
        var unknown = "m-" + new string('0', 32);
        await MlflowRest.Refused(_rest.Post("model-versions/create", new { name, source = $"models:/{unknown}" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", unknown);
        await MlflowRest.Refused(_rest.Post("model-versions/create", new { name, source = $"models:/{id}", model_id = unknown }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "differs");
        Assert.Single((await _rest.Ok(_rest.Post("model-versions/search", new { filter = $"name = '{name}'" })))["model_versions"]!.AsArray());
    }

    [Fact]
    public async Task Model_logged_by_a_2x_client_is_in_the_run_history_and_a_ready_logged_model_over_the_run_folder()
    {
        var (e, run) = await RunAsync();
        var mlmodel = new JsonObject
        {
            ["artifact_path"] = "sk.model", ["run_id"] = run, ["utc_time_created"] = "2026-12-04 21:00:00.000000",
            ["flavors"] = new JsonObject { ["python_function"] = new JsonObject { ["loader_module"] = "mlflow.sklearn" }, ["sklearn"] = new JsonObject { ["pickled_model"] = "model.pkl" } },
        };
        await _rest.Ok(_rest.Post("runs/log-model", new { run_id = run, model_json = mlmodel.ToJsonString() }));
        var tags = (await _rest.Ok(_rest.Get("runs/get", ("run_id", run))))["run"]!["data"]!["tags"]!.AsArray();
        var history = JsonNode.Parse((string)tags.Single(t => (string?)t!["key"] == "mlflow.log-model.history")!["value"]!)!.AsArray();
        Assert.Equal("sk.model", (string?)Assert.Single(history)!["artifact_path"]);
        var found = Assert.Single((await _rest.Ok(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, filter = $"source_run_id = '{run}'" })))["models"]!.AsArray());
        Assert.Equal(("sk-model", "LOGGED_MODEL_READY", $"mlflow-artifacts:/{e}/{run}/artifacts/sk.model"),
            ((string)found!["info"]!["name"]!, (string)found["info"]!["status"]!, (string)found["info"]!["artifact_uri"]!));

        await MlflowRest.Refused(_rest.Post("runs/log-model", new { run_id = run, model_json = "{not json" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "not valid JSON");
        await MlflowRest.Refused(_rest.Post("runs/log-model", new { run_id = run, model_json = "{\"flavors\": {\"x\": {}}}" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "artifact_path");
        await MlflowRest.Refused(_rest.Post("runs/log-model", new { run_id = run, model_json = new JsonObject { ["artifact_path"] = "../up", ["flavors"] = new JsonObject { ["x"] = new JsonObject() } }.ToJsonString() }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "");
        Assert.Single((await _rest.Ok(_rest.Post("logged-models/search", new { experiment_ids = new[] { e } })))["models"]!.AsArray());
    }

    [Fact]
    public async Task Bad_input_on_every_logged_model_route_is_refused_precisely_and_changes_nothing()
    {
        var (e, run) = await RunAsync();
        var (other, otherRun) = await RunAsync();
        var id = (string)(await CreateAsync(e, run: run))["info"]!["model_id"]!;
        var unknown = "m-" + new string('0', 32);
        const string missing = "RESOURCE_DOES_NOT_EXIST";
        const string invalid = "INVALID_PARAMETER_VALUE";

        await MlflowRest.Refused(_rest.Get($"logged-models/{unknown}"), HttpStatusCode.NotFound, missing, unknown);
        await MlflowRest.Refused(_rest.Get("logged-models/m-XYZ"), HttpStatusCode.BadRequest, invalid, "not a logged model id");
        await MlflowRest.Refused(_rest.Post($"logged-models/{unknown}", new { status = "LOGGED_MODEL_READY" }, "PATCH"), HttpStatusCode.NotFound, missing, unknown);
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}", new { status = "DONE" }, "PATCH"), HttpStatusCode.BadRequest, invalid, "DONE");
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}", new { status = "LOGGED_MODEL_PENDING" }, "PATCH"), HttpStatusCode.BadRequest, invalid, "finalized as");
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}", new { }, "PATCH"), HttpStatusCode.BadRequest, invalid, "status");
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}", new { model_id = unknown, status = "LOGGED_MODEL_READY" }, "PATCH"), HttpStatusCode.BadRequest, invalid, "differs");
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}/tags/nope", new { }, "DELETE"), HttpStatusCode.NotFound, missing, "No tag with key 'nope'");
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}/tags", new { tags = new[] { new { key = "big", value = new string('x', 8001) } } }, "PATCH"),
            HttpStatusCode.BadRequest, invalid, "8001 characters");
        await MlflowRest.Refused(_rest.Post($"logged-models/{id}/tags", new { tags = new[] { new { key = new string('k', 251), value = "v" } } }, "PATCH"),
            HttpStatusCode.BadRequest, invalid, "251 characters");
        await MlflowRest.Refused(_rest.Post("logged-models", new { experiment_id = "987654321" }), HttpStatusCode.NotFound, missing, "987654321");
        await MlflowRest.Refused(_rest.Post("logged-models", new { name = "m" }), HttpStatusCode.BadRequest, invalid, "experiment_id");
        await MlflowRest.Refused(_rest.Post("logged-models", new { experiment_id = e, name = "a/b" }), HttpStatusCode.BadRequest, invalid, "Invalid model name");
        await MlflowRest.Refused(_rest.Post("logged-models", new { experiment_id = e, name = "m", source_run_id = otherRun }), HttpStatusCode.BadRequest, invalid,
            $"belongs to experiment {other}");

        await MlflowRest.Refused(_rest.Post("logged-models/search", new { }), HttpStatusCode.BadRequest, invalid, "experiment_ids");
        await MlflowRest.Refused(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, filter = "name = 'a' OR name = 'b'" }), HttpStatusCode.BadRequest, invalid, "position");
        await MlflowRest.Refused(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, filter = "colour = 'red'" }), HttpStatusCode.BadRequest, invalid, "colour");
        await MlflowRest.Refused(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, filter = "metrics.acc > 'high'" }), HttpStatusCode.BadRequest, invalid, "position");
        await MlflowRest.Refused(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, filter = "status = 'DONE'" }), HttpStatusCode.BadRequest, invalid, "DONE");
        await MlflowRest.Refused(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, order_by = new[] { new { field_name = "params.x" } } }), HttpStatusCode.BadRequest, invalid, "params.x");
        await MlflowRest.Refused(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, page_token = "not-a-token" }), HttpStatusCode.BadRequest, invalid, "page_token");
        await MlflowRest.Refused(_rest.Post("logged-models/search", new { experiment_ids = new[] { e }, datasets = new[] { new { dataset_digest = "x" } } }), HttpStatusCode.BadRequest, invalid, "dataset_name");

        // A metric naming an unknown model, or outputs naming a model of another experiment: the run is not written.
        await MlflowRest.Refused(_rest.Post("runs/log-batch", new { run_id = run, metrics = new[] { new { key = "acc", value = 1.0, timestamp = 1, step = 0, model_id = unknown } } }),
            HttpStatusCode.NotFound, missing, unknown);
        var foreign = (string)(await CreateAsync(other))["info"]!["model_id"]!;
        await MlflowRest.Refused(_rest.Post("runs/outputs", new { run_id = run, models = new[] { new { model_id = foreign, step = 0 } } }), HttpStatusCode.BadRequest, invalid,
            $"belongs to experiment {other}");
        await MlflowRest.Refused(_rest.Post("runs/outputs", new { run_id = run }), HttpStatusCode.BadRequest, invalid, "models");
        var runView = (JsonObject)(await _rest.Ok(_rest.Get("runs/get", ("run_id", run))))["run"]!;
        Assert.Null(runView["data"]!["metrics"]);
        Assert.Null(runView["outputs"]!["model_outputs"]);

        // The proxy keeps a logged model's files under its own root.
        using (var escape = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/models/{id}/artifacts/..%2F..%2Fx", new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
        using (var wrongExperiment = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{other}/models/{id}/artifacts/x", new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.NotFound, wrongExperiment.StatusCode);
        using (var none = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/models/{unknown}/artifacts/x", new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Null((await _rest.Ok(_rest.Get($"logged-models/{id}/artifacts/directories")))["files"]);

        var after = (JsonObject)(await _rest.Ok(_rest.Get($"logged-models/{id}")))["model"]!;
        Assert.Equal("LOGGED_MODEL_PENDING", (string?)after["info"]!["status"]);
        Assert.Null(after["info"]!["tags"]);
        Assert.Null(after["data"]!["metrics"]);
        await MlflowRest.Refused(_rest.Post("traces", new { experiment_id = e }), HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND", "traces are not served");
    }
}

[Trait("Category", Category.Platform)]
public sealed class SqliteMlflowLoggedModelRestTests(SqlitePlatformFixture platform) : MlflowLoggedModelRestTests(platform), IClassFixture<SqlitePlatformFixture>;

[Trait("Category", Category.Platform)]
public sealed class PostgresMlflowLoggedModelRestTests(PostgresPlatformFixture platform) : MlflowLoggedModelRestTests(platform), IClassFixture<PostgresPlatformFixture>;
