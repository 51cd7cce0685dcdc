using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>MLflow's tracking REST API over real HTTP, against SQLite and PostgreSQL.</summary>
public abstract class MlflowTrackingRestTests(PlatformFixture platform)
{
    private readonly MlflowRest _rest = new(platform.Http);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> NewExperiment(string? name = null) =>
        (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = name ?? Unique("exp") })))["experiment_id"]!;

    private async Task<string> NewRun(string? experimentId = null) =>
        (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = experimentId ?? await NewExperiment(), start_time = 1000 })))["run"]!["info"]!["run_id"]!;

    [Fact]
    public async Task Default_experiment_0_is_served()
    {
        var body = await _rest.Ok(_rest.Get("experiments/get", ("experiment_id", "0")));
        Assert.Equal("Default", (string?)body["experiment"]!["name"]);
        Assert.Equal("active", (string?)body["experiment"]!["lifecycle_stage"]);
    }

    [Fact]
    public async Task Set_experiment_flow_get_by_name_404_then_create()
    {
        var name = Unique("flow");
        await MlflowRest.Refused(_rest.Get("experiments/get-by-name", ("experiment_name", name)), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", name);
        var id = await NewExperiment(name);
        var found = await _rest.Ok(_rest.Get("experiments/get-by-name", ("experiment_name", name)));
        Assert.Equal(id, (string?)found["experiment"]!["experiment_id"]);
        await MlflowRest.Refused(_rest.Post("experiments/create", new { name }), HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS", name);
    }

    [Fact]
    public async Task Experiment_update_tag_delete_restore_and_search()
    {
        var id = await NewExperiment();
        var newName = Unique("renamed");
        await _rest.Ok(_rest.Post("experiments/update", new { experiment_id = id, new_name = newName }));
        await _rest.Ok(_rest.Post("experiments/set-experiment-tag", new { experiment_id = id, key = "team", value = "ml" }));
        var search = await _rest.Ok(_rest.Post("experiments/search", new { filter = $"name = '{newName}' AND tags.team = 'ml'", max_results = 10 }));
        Assert.Single(search["experiments"]!.AsArray());
        await _rest.Ok(_rest.Post("experiments/delete", new { experiment_id = id }));
        var deleted = await _rest.Ok(_rest.Get("experiments/search", ("filter", $"name = '{newName}'"), ("view_type", "DELETED_ONLY")));
        Assert.Single(deleted["experiments"]!.AsArray());
        await _rest.Ok(_rest.Post("experiments/restore", new { experiment_id = id }));
        Assert.Equal("active", (string?)(await _rest.Ok(_rest.Get("experiments/get", ("experiment_id", id))))["experiment"]!["lifecycle_stage"]);
    }

    [Fact]
    public async Task Run_lifecycle_params_tags_and_run_uuid_alias()
    {
        var runId = await NewRun();
        await _rest.Ok(_rest.Post("runs/log-parameter", new { run_uuid = runId, key = "lr", value = "0.1" }));
        await MlflowRest.Refused(_rest.Post("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.2" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "lr");
        await _rest.Ok(_rest.Post("runs/set-tag", new { run_id = runId, key = "owner", value = "ada" }));
        await _rest.Ok(_rest.Post("runs/delete-tag", new { run_id = runId, key = "owner" }));
        var updated = await _rest.Ok(_rest.Post("runs/update", new { run_id = runId, status = "FINISHED", end_time = 2000, run_name = "done" }));
        Assert.Equal("FINISHED", (string?)updated["run_info"]!["status"]);
        var run = await _rest.Ok(_rest.Get("runs/get", ("run_id", runId)));
        Assert.Equal("done", (string?)run["run"]!["info"]!["run_name"]);
        Assert.Equal(runId, (string?)run["run"]!["info"]!["run_uuid"]);
        Assert.Equal("0.1", (string?)run["run"]!["data"]!["params"]![0]!["value"]);
        await _rest.Ok(_rest.Post("runs/delete", new { run_id = runId }));
        await MlflowRest.Refused(_rest.Post("runs/log-metric", new { run_id = runId, key = "m", value = 1, timestamp = 1 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "deleted");
        await _rest.Ok(_rest.Post("runs/restore", new { run_id = runId }));
    }

    [Fact]
    public async Task Log_batch_with_nan_strings_is_stored_once_when_retried()
    {
        var runId = await NewRun();
        var batch = new
        {
            run_id = runId,
            metrics = new object[]
            {
                new { key = "loss", value = "NaN", timestamp = 10, step = 0 },
                new { key = "loss", value = "Infinity", timestamp = 10, step = 1 },
                new { key = "loss", value = 0.5, timestamp = 10, step = 2 },
            },
            @params = new[] { new { key = "depth", value = "3" } },
            tags = new[] { new { key = "stage", value = "train" } },
            unknown_field = "ignored",
        };
        await _rest.Ok(_rest.Post("runs/log-batch", batch));
        await _rest.Ok(_rest.Post("runs/log-batch", batch));
        var history = await _rest.Ok(_rest.Get("metrics/get-history", ("run_id", runId), ("metric_key", "loss")));
        var values = history["metrics"]!.AsArray();
        Assert.Equal(3, values.Count);
        Assert.Equal("NaN", values[0]!["value"]!.ToJsonString().Trim('"'));
        Assert.Equal("Infinity", values[1]!["value"]!.ToJsonString().Trim('"'));
    }

    [Fact]
    public async Task Over_long_param_and_tag_values_are_truncated_like_mlflow()
    {
        var runId = await NewRun();
        await _rest.Ok(_rest.Post("runs/log-batch", new { run_id = runId, @params = new[] { new { key = "p", value = new string('x', 7000) } }, tags = new[] { new { key = "t", value = new string('y', 9000) } } }));
        var run = await _rest.Ok(_rest.Get("runs/get", ("run_id", runId)));
        Assert.Equal(6000, ((string?)run["run"]!["data"]!["params"]![0]!["value"])!.Length);
        Assert.Contains(run["run"]!["data"]!["tags"]!.AsArray(), t => (string?)t!["key"] == "t" && ((string?)t["value"])!.Length == 8000);
    }

    [Fact]
    public async Task Search_runs_with_filter_order_and_page_tokens()
    {
        var e = await NewExperiment();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = await NewRun(e);
            await _rest.Ok(_rest.Post("runs/log-metric", new { run_id = id, key = "rmse", value = 0.1 * (i + 1), timestamp = 1, step = 0 }));
            ids.Add(id);
        }
        var seen = new List<string>();
        string? token = null;
        do
        {
            var body = await _rest.Ok(_rest.Post("runs/search", new { experiment_ids = new[] { e }, filter = "metrics.rmse > 0.15", order_by = new[] { "metrics.rmse DESC" }, max_results = 2, page_token = token }));
            seen.AddRange(body["runs"]!.AsArray().Select(r => (string)r!["info"]!["run_id"]!));
            token = (string?)body["next_page_token"];
        }
        while (!string.IsNullOrEmpty(token));
        Assert.Equal([ids[4], ids[3], ids[2], ids[1]], seen);
        await MlflowRest.Refused(_rest.Post("runs/search", new { experiment_ids = new[] { e }, filter = "metrics.rmse > 1 OR params.a = 'b'" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "position");
    }

    [Fact]
    public async Task Log_inputs_and_bulk_interval_history()
    {
        var runId = await NewRun();
        await _rest.Ok(_rest.Post("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset = new { name = "iris", digest = "abc", source_type = "local", source = "x", schema = "{}" } } },
        }));
        var run = await _rest.Ok(_rest.Get("runs/get", ("run_id", runId)));
        Assert.Equal("iris", (string?)run["run"]!["inputs"]!["dataset_inputs"]![0]!["dataset"]!["name"]);
        var batch = new { run_id = runId, metrics = Enumerable.Range(0, 100).Select(s => new { key = "acc", value = s, timestamp = 1, step = s }).ToArray() };
        await _rest.Ok(_rest.Post("runs/log-batch", batch));
        var bulk = await _rest.Ok(_rest.Get("metrics/get-history-bulk-interval", ("run_ids", runId), ("metric_key", "acc"), ("max_results", "20")));
        var points = bulk["metrics"]!.AsArray();
        // MLflow's picks: every fifth of the 100 steps, and the last.
        Assert.Equal([.. Enumerable.Range(0, 20).Select(i => 5L * i), 99L], points.Select(p => (long)p!["step"]!));
        Assert.All(points, p => Assert.Equal(runId, (string?)p!["run_id"]));
    }

    [Fact]
    public async Task Bad_requests_get_mlflow_error_shapes()
    {
        await MlflowRest.Refused(_rest.Raw("experiments/create", "name=x", "application/x-www-form-urlencoded"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "application/json");
        await MlflowRest.Refused(_rest.Raw("experiments/create", "{not json", "application/json"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "JSON");
        await MlflowRest.Refused(_rest.Post("experiments/create", new { }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "name");
        await MlflowRest.Refused(_rest.Post("runs/log-metric", new { run_id = "bad id!", key = "m", value = 1 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "run_id");
        await MlflowRest.Refused(_rest.Get("runs/get", ("run_id", Guid.NewGuid().ToString("N"))), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await MlflowRest.Refused(_rest.Post("runs/log-metric", new { run_id = await NewRun(), key = "m", value = new { nested = 1 } }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "value");
        await MlflowRest.Refused(_rest.Post("runs/log-batch", new { run_id = await NewRun(), metrics = Enumerable.Range(0, 1001).Select(i => new { key = "m", value = i, timestamp = 1, step = i }) }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "1000");
    }

    [Fact]
    public async Task Ajax_prefix_health_and_version_are_served()
    {
        var ajax = new MlflowRest(platform.Http, "/ajax-api/2.0/mlflow/");
        await ajax.Ok(ajax.Get("experiments/get", ("experiment_id", "0")));
        Assert.Equal("OK", await platform.Http.GetStringAsync("/health"));
        Assert.False(string.IsNullOrEmpty(await platform.Http.GetStringAsync("/version")));
    }

    [Fact]
    public async Task Basic_auth_user_becomes_the_run_user()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2.0/mlflow/runs/create")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { experiment_id = await NewExperiment(), user_id = "spoofed" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("grace:secret"u8.ToArray()));
        using var response = await platform.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("grace", (string?)body["run"]!["info"]!["user_id"]);
    }

    [Fact]
    public async Task Run_logged_over_mlflow_rest_streams_live_to_a_grpc_subscriber()
    {
        var runId = await NewRun();
        using var call = platform.Tracking.SubscribeRunMetrics(new Wire.SubscribeRunMetricsRequest { RunId = runId });
        await _rest.Ok(_rest.Post("runs/log-metric", new { run_id = runId, key = "loss", value = 0.25, timestamp = 5, step = 1 }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(0.25, call.ResponseStream.Current.Metric.Value);
    }
}

[Trait("Category", Category.Platform)]
public sealed class SqliteMlflowTrackingRestTests(SqlitePlatformFixture platform) : MlflowTrackingRestTests(platform), IClassFixture<SqlitePlatformFixture>;

[Trait("Category", Category.Platform)]
public sealed class PostgresMlflowTrackingRestTests(PostgresPlatformFixture platform) : MlflowTrackingRestTests(platform), IClassFixture<PostgresPlatformFixture>;
