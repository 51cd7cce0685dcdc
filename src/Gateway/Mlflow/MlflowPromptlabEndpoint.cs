using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Gateway.Common;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow 2's prompt-engineering UI route <c>runs/create-promptlab-run</c>: one finished run holding the prompt, the
/// model route and its parameters, the evaluation table and a promptlab model, written as MLflow writes them so the UI's
/// artifact and model views open it. A failure after the run exists marks the run FAILED, as MLflow does.
/// </summary>
internal static class MlflowPromptlabEndpoint
{
    private const string EvalTable = "eval_results_table.json";

    public static void Map(RouteGroupBuilder api) => api.Post("runs/create-promptlab-run", async (a, c) =>
    {
        var experimentId = Present(a, "experiment_id", a.String("experiment_id"));
        TrackingValidation.ExperimentId(experimentId);
        var template = Present(a, "prompt_template", a.String("prompt_template"));
        var promptParameters = PresentList(a, "prompt_parameters");
        var route = Present(a, "model_route", a.String("model_route"));
        var modelParameters = Parameters(a.Objects("model_parameters"));
        var input = Present(a, "model_input", a.String("model_input"));
        var outputParameters = Parameters(a.Objects("model_output_parameters"));
        Present(a, "mlflow_version", a.String("mlflow_version"));
        var output = a.String("model_output");
        var tags = a.Pairs("tags");
        // Everything the run will hold is checked before the run exists, so a refused request leaves no run behind.
        var parameters = modelParameters.Append(KeyValuePair.Create("model_route", route)).Append(KeyValuePair.Create("prompt_template", template)).ToList();
        foreach (var (key, value) in parameters.Concat(promptParameters).Concat(outputParameters))
        {
            TrackingValidation.Key(key, "model_parameters");
            if (value.Length > TrackingLimits.MaxParamValueLength)
                throw MlopsException.Invalid("model_parameters", $"parameter '{key}' is {value.Length} characters; at most {TrackingLimits.MaxParamValueLength} are allowed");
        }
        if (parameters.GroupBy(p => p.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw MlopsException.Invalid("model_parameters", $"parameter '{twice.Key}' is given twice (model_route and prompt_template are set by the run)");
        foreach (var (key, value) in tags) RunTagCheck(key, value);

        var runId = Ids.NewRunId();
        var run = Grains(c).GetGrain<IRunGrain>(runId);
        var created = await run.Create(new CreateRun(experimentId, a.String("run_name"), tags, a.Long("start_time"),
            MlflowIdentity.UserId(c.Request) ?? a.String("user_id") ?? "unknown", null));
        try
        {
            var model = ModelJson(runId, promptParameters);
            var runTags = new List<KeyValuePair<string, string>>
            {
                KeyValuePair.Create("mlflow.loggedArtifacts", "[{\"path\": \"eval_results_table.json\", \"type\": \"table\"}]"),
                KeyValuePair.Create("mlflow.runSourceType", "PROMPT_ENGINEERING"),
                KeyValuePair.Create(MlflowLogModelJson.HistoryTag, MlflowLogModelJson.AppendHistory(null, model)),
            };
            await run.LogBatch(new LogBatch([], parameters, runTags));
            var transfers = c.RequestServices.GetRequiredService<ArtifactTransfers>();
            await Upload(transfers, runId, EvalTable, EvalResults(promptParameters, input, output, outputParameters), c.RequestAborted);
            await Upload(transfers, runId, "model/MLmodel", model.ToJsonString(), c.RequestAborted);
            await Upload(transfers, runId, "model/parameters.yaml", new JsonObject
            {
                ["prompt_template"] = template,
                ["prompt_parameters"] = Object(promptParameters),
                ["model_parameters"] = Object(modelParameters),
                ["model_route"] = route,
            }.ToJsonString(), c.RequestAborted);
            await Upload(transfers, runId, "model/requirements.txt", $"mlflow[gateway]=={a.String("mlflow_version")}\n", c.RequestAborted);
        }
        catch (Exception)
        {
            await MarkFailed(run);
            throw;
        }
        await run.Update(new UpdateRun(RunStatus.Finished, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null));
        return MlflowResults.Ok(new { run = MlflowTrackingMapper.Run(await run.Get()) });
    });

    /// <summary>Marks the run FAILED, as MLflow does; a failure to do so never hides the original error.</summary>
    private static async Task MarkFailed(IRunGrain run)
    {
        try { await run.Update(new UpdateRun(RunStatus.Failed, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null)); }
        catch (Exception e) when (e is MlopsException or TimeoutException) { /* the original error is the one to report */ }
    }

    private static void RunTagCheck(string key, string value)
    {
        TrackingValidation.Key(key, "tags");
        if (value.Length > TrackingLimits.MaxRunTagValueLength)
            throw MlopsException.Invalid("tags", $"tag '{key}' is {value.Length} characters; at most {TrackingLimits.MaxRunTagValueLength} are allowed");
    }

    // MLflow refuses a missing or empty argument by name, in this order, before anything is written.
    private static string Present(MlflowArgs a, string name, string? value) =>
        string.IsNullOrEmpty(value) ? throw MlopsException.Invalid(name, $"CreatePromptlabRun request must specify {name}.") : value;

    private static List<KeyValuePair<string, string>> PresentList(MlflowArgs a, string name) =>
        Parameters(a.Objects(name)) is { Count: > 0 } list ? list : throw MlopsException.Invalid(name, $"CreatePromptlabRun request must specify {name}.");

    private static List<KeyValuePair<string, string>> Parameters(IReadOnlyList<MlflowArgs> list) =>
        list.Select(p => KeyValuePair.Create(p.Required("key"), p.String("value") ?? "")).ToList();

    private static JsonObject Object(List<KeyValuePair<string, string>> pairs) =>
        new(pairs.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));

    /// <summary>The evaluation table MLflow writes: the prompt parameters, the prompt and the output, then the output parameters.</summary>
    private static string EvalResults(List<KeyValuePair<string, string>> prompt, string input, string? output, List<KeyValuePair<string, string>> outputParameters)
    {
        var columns = new JsonArray([.. prompt.Select(p => (JsonNode?)p.Key), "prompt", "output", .. outputParameters.Select(p => (JsonNode?)p.Key)]);
        var row = new JsonArray([.. prompt.Select(p => (JsonNode?)p.Value), input, output, .. outputParameters.Select(p => (JsonNode?)p.Value)]);
        return new JsonObject { ["columns"] = columns, ["data"] = new JsonArray(row) }.ToJsonString();
    }

    /// <summary>
    /// The promptlab model's MLmodel. It is written as JSON, which YAML readers (MLflow's among them) read as YAML, so no
    /// hand-made YAML quoting can go wrong; the same object goes into the run's log-model history.
    /// </summary>
    private static JsonObject ModelJson(string runId, List<KeyValuePair<string, string>> prompt) => new()
    {
        ["artifact_path"] = "model",
        ["run_id"] = runId,
        ["utc_time_created"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        ["flavors"] = new JsonObject
        {
            ["python_function"] = new JsonObject
            {
                ["loader_module"] = "mlflow.prompt.promptlab_model",
                ["parameters_path"] = "parameters.yaml",
                ["env"] = new JsonObject { ["conda"] = "conda.yaml", ["virtualenv"] = "python_env.yaml" },
            },
        },
        ["signature"] = new JsonObject
        {
            ["inputs"] = JsonSerializer.Serialize(prompt.Select(p => new { type = "string", name = p.Key, required = true })),
            ["outputs"] = JsonSerializer.Serialize(new[] { new { type = "string", name = "output", required = true } }),
            ["params"] = null,
        },
    };

    private static async Task Upload(ArtifactTransfers transfers, string runId, string path, string text, CancellationToken ct)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await transfers.UploadToRunAsync(runId, path, content, null, ct);
    }

    private static IGrainFactory Grains(HttpContext c) => c.RequestServices.GetRequiredService<IGrainFactory>();
}
