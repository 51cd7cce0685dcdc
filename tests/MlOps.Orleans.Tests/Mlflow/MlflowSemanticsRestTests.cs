using System.Net;
using System.Text.Json.Nodes;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>Where MLflow 2.22's own REST tests expect MLflow's semantics (issue 18): the prompt-tag rule, unknown parents, plain quotes.</summary>
public abstract partial class MlflowSemanticsRestTests(PlatformFixture platform)
{
    private readonly MlflowRest _rest = new(platform.Http);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_model_or_version_without_the_prompt_tag_matches_its_negative_forms_and_every_other_tag_clause_needs_the_tag()
    {
        var plain = Unique("plain");
        var prompt = Unique("prompt");
        await _rest.Ok(_rest.Post("registered-models/create", new { name = plain }));
        await _rest.Ok(_rest.Post("registered-models/create", new { name = prompt, tags = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" } } }));
        // Other tests' models share the server: only these two are looked at.
        async Task<string[]> Models(string filter) =>
            ((await _rest.Ok(_rest.Post("registered-models/search", new { filter, max_results = 1000 })))["registered_models"]?.AsArray() ?? [])
                .Select(m => (string)m!["name"]!).Where(n => n == plain || n == prompt).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([plain], await Models("tags.`mlflow.prompt.is_prompt` != 'true'"));
        Assert.Equal([plain], await Models("tags.`mlflow.prompt.is_prompt` = 'false'"));
        Assert.Equal([prompt], await Models("tags.`mlflow.prompt.is_prompt` = 'true'"));
        Assert.Empty(await Models("tags.team != 'ml'"));

        var (e, run) = await RunAsync();
        using (var put = await platform.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{e}/{run}/artifacts/model/MLmodel",
                   new StringContent(MlOps.Orleans.Bench.Workloads.MlflowSessionReplay.MinimalMlmodel)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        foreach (var name in new[] { plain, prompt })
            await _rest.Ok(_rest.Post("model-versions/create", new { name, source = $"runs:/{run}/model", run_id = run }));
        await _rest.Ok(_rest.Post("model-versions/set-tag", new { name = prompt, version = "1", key = "mlflow.prompt.is_prompt", value = "true" }));
        async Task<int> Versions(string name) =>
            (await _rest.Ok(_rest.Post("model-versions/search", new { filter = $"name = '{name}' AND tags.`mlflow.prompt.is_prompt` != 'true'" })))["model_versions"]?.AsArray().Count ?? 0;
        Assert.Equal((1, 0), (await Versions(plain), await Versions(prompt)));
    }

    [Fact]
    public async Task A_parent_run_the_server_never_saw_is_kept_as_given_and_a_parent_in_another_experiment_is_refused()
    {
        var (e, _) = await RunAsync();
        var unknown = Guid.NewGuid().ToString("N");
        var child = (JsonObject)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e, tags = new[] { new { key = "mlflow.parentRunId", value = unknown } } })))["run"]!;
        Assert.Contains(child["data"]!["tags"]!.AsArray(), t => (string?)t!["key"] == "mlflow.parentRunId" && (string?)t["value"] == unknown);
        var (_, otherRun) = await RunAsync();
        await MlflowRest.Refused(_rest.Post("runs/create", new { experiment_id = e, tags = new[] { new { key = "mlflow.parentRunId", value = otherRun } } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "belongs to experiment");
    }

    [Fact]
    public async Task Error_messages_write_quotes_as_they_are()
    {
        var (e, _) = await RunAsync();
        using var response = await platform.Http.PostAsync("/api/2.0/mlflow/experiments/delete-experiment-tag",
            new StringContent($"{{\"experiment_id\": \"{e}\", \"key\": \"absent\"}}", System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'absent'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ui_routes_bulk_history_upload_and_get_artifact_answer_as_mlflow_does()
    {
        var (e, a) = await RunAsync();
        var b = (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!["info"]!["run_id"]!;
        foreach (var run in new[] { a, b })
            for (var step = 0; step < 3; step++)
                await _rest.Ok(_rest.Post("runs/log-metric", new { run_id = run, key = "loss", value = 1.0 / (step + 1), timestamp = 10 + step, step }));
        var ajax = new MlflowRest(platform.Http, "/ajax-api/2.0/mlflow/");
        var bulk = (await ajax.Ok(ajax.Get("metrics/get-history-bulk", ("run_id", a), ("run_id", b), ("metric_key", "loss"))))["metrics"]!.AsArray();
        Assert.Equal(6, bulk.Count);
        // Runs in id order, as MLflow answers; max_results counts per run.
        var (first, second) = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
        Assert.Equal([first, first, first, second, second, second], bulk.Select(m => (string)m!["run_id"]!));
        Assert.Equal(2, (long)bulk[2]!["step"]!);
        Assert.Equal(4, (await ajax.Ok(ajax.Get("metrics/get-history-bulk", ("run_id", a), ("run_id", b), ("metric_key", "loss"), ("max_results", "2"))))["metrics"]!.AsArray().Count);
        await MlflowRest.Refused(ajax.Get("metrics/get-history-bulk", ("metric_key", "loss")), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "run_id");

        using (var upload = await platform.Http.PostAsync($"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={a}&path=notes/readme.txt", new StringContent("hello")))
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        using (var download = await platform.Http.GetAsync($"/get-artifact?run_uuid={a}&path=notes/readme.txt"))
        {
            Assert.Equal("hello", await download.Content.ReadAsStringAsync());
            Assert.Equal("text/plain", download.Content.Headers.ContentType?.MediaType);
            Assert.Contains("nosniff", download.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal("readme.txt", download.Content.Headers.ContentDisposition?.FileName);
        }
        var listed = await _rest.Ok(_rest.Get("artifacts/list", ("run_id", a), ("path", "notes")));
        Assert.Equal("notes/readme.txt", (string?)listed["files"]![0]!["path"]);
        foreach (var bad in new[] { $"/get-artifact?run_uuid={a}&path=..%2F..%2Fetc%2Fpasswd", $"/get-artifact?path=notes/readme.txt" })
        {
            using var refused = await platform.Http.GetAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("INVALID_PARAMETER_VALUE", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error_code"]);
        }
        using (var missing = await platform.Http.GetAsync($"/get-artifact?run_uuid={Guid.NewGuid():N}&path=notes/readme.txt"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Search_datasets_lists_each_experiments_distinct_datasets_with_their_context()
    {
        var (e, a) = await RunAsync();
        var b = (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!["info"]!["run_id"]!;
        object Input(string name, string digest, string context) => new
        {
            tags = new[] { new { key = "mlflow.data.context", value = context } },
            dataset = new { name, digest, source_type = "local", source = "{}" },
        };
        await _rest.Ok(_rest.Post("runs/log-inputs", new { run_id = a, datasets = new[] { Input("train", "d1", "training"), Input("eval", "d2", "eval") } }));
        await _rest.Ok(_rest.Post("runs/log-inputs", new { run_id = b, datasets = new[] { Input("train", "d1", "training") } }));
        var ajax = new MlflowRest(platform.Http, "/ajax-api/2.0/mlflow/");
        var found = (await ajax.Ok(ajax.Post("experiments/search-datasets", new { experiment_ids = new[] { e } })))["dataset_summaries"]!.AsArray();
        Assert.Equal([("eval", "d2", "eval"), ("train", "d1", "training")],
            found.Select(d => ((string)d!["name"]!, (string)d["digest"]!, (string)d["context"]!)));
        Assert.All(found, d => Assert.Equal(e, (string?)d!["experiment_id"]));
        await MlflowRest.Refused(ajax.Post("experiments/search-datasets", new { experiment_ids = Array.Empty<string>() }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "SearchDatasets request must specify at least one experiment_id.");
        await MlflowRest.Refused(ajax.Post("experiments/search-datasets", new { experiment_ids = Enumerable.Range(1, 21).Select(i => $"{i}").ToArray() }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.");
    }

    private async Task<(string Experiment, string Run)> RunAsync()
    {
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = Unique("sem") })))["experiment_id"]!;
        var run = (string)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!["info"]!["run_id"]!;
        return (e, run);
    }
}

[Trait("Category", Category.Platform)]
public sealed class SqliteMlflowSemanticsRestTests(SqlitePlatformFixture platform) : MlflowSemanticsRestTests(platform), IClassFixture<SqlitePlatformFixture>;

[Trait("Category", Category.Platform)]
public sealed class PostgresMlflowSemanticsRestTests(PostgresPlatformFixture platform) : MlflowSemanticsRestTests(platform), IClassFixture<PostgresPlatformFixture>;
