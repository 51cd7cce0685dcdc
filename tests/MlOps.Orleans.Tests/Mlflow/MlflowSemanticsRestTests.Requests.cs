using System.Net;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>MLflow's request rules: value types, field paths, relative locations, the chart sampler and the promptlab route.</summary>
public abstract partial class MlflowSemanticsRestTests
{
    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_in_mlflows_words_naming_the_field_and_nothing_is_written()
    {
        var (e, run) = await RunAsync();
        var name = Unique("typed");
        await MlflowRest.Refused(_rest.Post("experiments/create", new { name = 123 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value 123 for parameter 'name' supplied");
        await MlflowRest.Refused(_rest.Raw("experiments/create", $"{{\"name\": \"{name}\", \"artifact_location\": 9.0}}", "application/json"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value 9.0 for parameter 'artifact_location' supplied");
        await MlflowRest.Refused(_rest.Post("experiments/create", new { name, tags = "5" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value \"5\" for parameter 'tags' supplied");
        await MlflowRest.Refused(_rest.Get("experiments/get-by-name", ("experiment_name", name)), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

        await MlflowRest.Refused(_rest.Post("runs/log-metric", new { run_id = 31, key = "m", value = 41, timestamp = 59, step = 26 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value 31 for parameter 'run_id' supplied: Hint: Value was of type 'int'");
        await MlflowRest.Refused(_rest.Post("runs/log-metric", new { run_id = run, key = "m", value = 41, timestamp = 59, step = "foo" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value \"foo\" for parameter 'step' supplied");
        await MlflowRest.Refused(_rest.Post("runs/log-metric", new { run_id = run, key = "m", value = 41, step = 1 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'timestamp'");
        // The run id is checked first, as MLflow checks it, even when a later field is wrong too.
        await MlflowRest.Refused(_rest.Post("runs/log-parameter", new { run_id = 31, key = "p", value = 41 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value 31 for parameter 'run_id' supplied");
        await MlflowRest.Refused(_rest.Post("runs/set-tag", new { run_id = run, key = "t", value = 41 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value 41 for parameter 'value' supplied");
        await MlflowRest.Refused(_rest.Post("runs/log-batch", new { run_id = run, metrics = new[] { new { key = "mae", value = 2.5 } } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'metrics[0].timestamp'");
        await MlflowRest.Refused(_rest.Raw("runs/log-batch", $"{{\"run_id\": \"{run}\", \"params\": [{{\"key\": \"p\", \"value\": 1.5}}]}}", "application/json"),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value 1.5 for parameter 'params[0].value' supplied: Hint: Value was of type 'float'");
        var data = (await _rest.Ok(_rest.Get("runs/get", ("run_id", run))))["run"]!["data"]!;
        Assert.Null(data["metrics"]);
        Assert.Null(data["params"]);
        Assert.DoesNotContain(data["tags"]?.AsArray() ?? [], t => (string?)t!["key"] == "t");
        await _rest.Ok(_rest.Post("runs/log-batch", new { run_id = run, metrics = new[] { new { key = "mae", value = 2.5, timestamp = 123456789 } } }));
        // A field sent twice is refused, not resolved by picking one of the two.
        await MlflowRest.Refused(_rest.Raw("runs/set-tag", $"{{\"run_id\": \"{run}\", \"key\": \"twice\", \"value\": \"a\", \"value\": \"b\"}}", "application/json"),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "sends a field twice");
        await MlflowRest.Refused(_rest.Post("runs/delete-tag", new { run_id = run, key = "twice" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await MlflowRest.Refused(_rest.Post("runs/delete-tag", new { run_id = run, key = "fakeTag" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            "No tag with name: fakeTag");
        await _rest.Ok(_rest.Post("runs/delete", new { run_id = run }));
        await MlflowRest.Refused(_rest.Post("runs/set-tag", new { run_id = run, key = "t", value = "v" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"The run {run} must be in the 'active' state");
        _ = e;
    }

    [Fact]
    public async Task A_relative_artifact_location_is_made_absolute_and_a_uri_is_kept()
    {
        var relative = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("rel"), artifact_location = "my_location" })))["experiment_id"]!;
        var location = (string)(await _rest.Ok(_rest.Get("experiments/get", ("experiment_id", relative))))["experiment"]!["artifact_location"]!;
        Assert.Equal(Path.GetFullPath("my_location", Environment.CurrentDirectory), location);
        var uri = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("uri"), artifact_location = "s3://bucket/x" })))["experiment_id"]!;
        Assert.Equal("s3://bucket/x", (string?)(await _rest.Ok(_rest.Get("experiments/get", ("experiment_id", uri))))["experiment"]!["artifact_location"]);
    }

    [Fact]
    public async Task Bulk_interval_history_picks_the_steps_mlflow_picks_and_refuses_bad_ranges_by_name()
    {
        var (_, run) = await RunAsync();
        for (var step = 0; step < 10; step++)
            foreach (var timestamp in new[] { 1, 2 })
                await _rest.Ok(_rest.Post("runs/log-metric", new { run_id = run, key = "a", value = 10.0, timestamp, step }));
        var ajax = new MlflowRest(platform.Http, "/ajax-api/2.0/mlflow/");
        var picked = (await ajax.Ok(ajax.Get("metrics/get-history-bulk-interval", ("run_ids", run), ("metric_key", "a"), ("max_results", "5"))))["metrics"]!.AsArray();
        Assert.Equal([(0L, 1L), (0, 2), (2, 1), (2, 2), (4, 1), (4, 2), (6, 1), (6, 2), (8, 1), (8, 2), (9, 1), (9, 2)],
            picked.Select(m => ((long)m!["step"]!, (long)m["timestamp"]!)));
        var window = (await ajax.Ok(ajax.Get("metrics/get-history-bulk-interval", ("run_ids", run), ("metric_key", "a"), ("start_step", "0"), ("end_step", "4"), ("max_results", "5"))))["metrics"]!.AsArray();
        Assert.Equal([0L, 1, 2, 3, 4], window.Select(m => (long)m!["step"]!).Distinct());
        await MlflowRest.Refused(ajax.Get("metrics/get-history-bulk-interval", ("metric_key", "a")), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'run_ids'.");
        await MlflowRest.Refused(ajax.Get("metrics/get-history-bulk-interval", ("run_ids", run), ("metric_key", "a"), ("max_results", "0")), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "max_results must be between 1 and 2500");
        await MlflowRest.Refused(ajax.Get("metrics/get-history-bulk-interval", ("run_ids", run), ("metric_key", "a"), ("start_step", "1"), ("end_step", "0")),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "end_step must be greater than start_step. ");
        await MlflowRest.Refused(ajax.Get("metrics/get-history-bulk-interval", ("run_ids", run), ("metric_key", "a"), ("start_step", "1")),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "If either start step or end step are specified, both must be specified.");
        await MlflowRest.Refused(ajax.Get("metrics/get-history-bulk-interval", [.. Enumerable.Range(0, 1000).Select(i => ("run_ids", $"id_{i}")), ("metric_key", "a")]),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "at most 100 run_ids. Received 1000 run_ids.");
    }

    [Fact]
    public async Task A_promptlab_run_is_one_finished_run_with_its_prompt_route_table_and_model()
    {
        var (e, _) = await RunAsync();
        var ajax = new MlflowRest(platform.Http, "/ajax-api/2.0/mlflow/");
        var body = new JsonObject { ["experiment_id"] = e };
        foreach (var (field, value) in new (string, JsonNode)[]
                 {
                     ("prompt_template", "Say {{ x }}"), ("prompt_parameters", new JsonArray(new JsonObject { ["key"] = "x", ["value"] = "hi" })),
                     ("model_route", "chat"), ("model_input", "Say hi"), ("mlflow_version", "2.22.0"),
                 })
        {
            await MlflowRest.Refused(ajax.Post("runs/create-promptlab-run", body.DeepClone()), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
                $"CreatePromptlabRun request must specify {field}.");
            body[field] = value;
        }
        // A bad parameter key is refused before any run exists.
        var before = (await _rest.Ok(_rest.Post("runs/search", new { experiment_ids = new[] { e } })))["runs"]?.AsArray().Count ?? 0;
        var bad = (JsonObject)body.DeepClone();
        bad["model_parameters"] = new JsonArray(new JsonObject { ["key"] = "../temp", ["value"] = "0.1" });
        await MlflowRest.Refused(ajax.Post("runs/create-promptlab-run", bad), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "../temp");
        bad["model_parameters"] = new JsonArray(new JsonObject { ["key"] = "model_route", ["value"] = "other" });
        await MlflowRest.Refused(ajax.Post("runs/create-promptlab-run", bad), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "model_route");
        Assert.Equal(before, (await _rest.Ok(_rest.Post("runs/search", new { experiment_ids = new[] { e } })))["runs"]?.AsArray().Count ?? 0);
        body["run_name"] = "lab";
        body["user_id"] = "ana";
        body["start_time"] = 456;
        body["model_output"] = "hi!";
        body["model_parameters"] = new JsonArray(new JsonObject { ["key"] = "temperature", ["value"] = "0.1" });
        body["model_output_parameters"] = new JsonArray(new JsonObject { ["key"] = "latency", ["value"] = "100" });
        var run = (JsonObject)(await ajax.Ok(ajax.Post("runs/create-promptlab-run", body)))["run"]!;
        Assert.Equal(("lab", "ana", "FINISHED", 456L), ((string)run["info"]!["run_name"]!, (string)run["info"]!["user_id"]!, (string)run["info"]!["status"]!, (long)run["info"]!["start_time"]!));
        var parameters = run["data"]!["params"]!.AsArray().ToDictionary(p => (string)p!["key"]!, p => (string)p!["value"]!);
        Assert.Equal(("chat", "Say {{ x }}", "0.1"), (parameters["model_route"], parameters["prompt_template"], parameters["temperature"]));
        var tags = run["data"]!["tags"]!.AsArray().ToDictionary(p => (string)p!["key"]!, p => (string)p!["value"]!);
        Assert.Equal("PROMPT_ENGINEERING", tags["mlflow.runSourceType"]);
        Assert.Equal("[{\"path\": \"eval_results_table.json\", \"type\": \"table\"}]", tags["mlflow.loggedArtifacts"]);
        var runId = (string)run["info"]!["run_id"]!;
        using var table = await platform.Http.GetAsync($"/get-artifact?run_uuid={runId}&path=eval_results_table.json");
        var json = JsonNode.Parse(await table.Content.ReadAsStringAsync())!;
        Assert.Equal("[\"x\",\"prompt\",\"output\",\"latency\"]", json["columns"]!.ToJsonString());
        Assert.Equal("[[\"hi\",\"Say hi\",\"hi!\",\"100\"]]", json["data"]!.ToJsonString());
        using var model = await platform.Http.GetAsync($"/get-artifact?run_uuid={runId}&path=model/MLmodel");
        Assert.Equal("text/plain", model.Content.Headers.ContentType?.MediaType);
        Assert.Contains("mlflow.prompt.promptlab_model", await model.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
