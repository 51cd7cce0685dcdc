using System.Net;
using System.Text.Json.Nodes;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>Where MLflow 2.22's own REST tests expect MLflow's semantics (issue 18): the prompt-tag rule, unknown parents, plain quotes.</summary>
public abstract class MlflowSemanticsRestTests(PlatformFixture platform)
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
                   new StringContent("artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n")))
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
