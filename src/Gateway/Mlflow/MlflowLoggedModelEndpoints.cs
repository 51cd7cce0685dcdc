using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Gateway.Common;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow 3's logged-model routes (<c>logged-models/...</c>) over the logged-model grains: map, call one grain, map back.</summary>
internal static class MlflowLoggedModelEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.Post("logged-models", async (a, c) =>
        {
            var experimentId = a.Required("experiment_id");
            TrackingValidation.ExperimentId(experimentId);
            var model = await Grains(c).GetGrain<ILoggedModelGrain>(Ids.NewLoggedModelId()).Create(new CreateLoggedModel(experimentId, a.String("name"),
                a.String("source_run_id"), a.String("model_type"), a.Pairs("params"), a.Pairs("tags")));
            return MlflowResults.Ok(new { model = MlflowLoggedModelMapper.Model(model) });
        });
        // MLflow 2's record of a model logged inside a run: kept as MLflow 2 keeps it (the run's mlflow.log-model.history
        // tag) and as a READY logged model whose root is the model's folder in the run, so 3.x clients and the registry
        // (models:/<model_id>) see 2.x-logged models too.
        api.Post("runs/log-model", async (a, c) =>
        {
            var runId = a.Required("run_id");
            TrackingValidation.RunId(runId);
            var model = MlflowLogModelJson.Parse(a.Required("model_json"));
            var run = Grains(c).GetGrain<IRunGrain>(runId);
            var snapshot = await run.Get();
            await run.SetTag(MlflowLogModelJson.HistoryTag, MlflowLogModelJson.AppendHistory(snapshot.Tags.GetValueOrDefault(MlflowLogModelJson.HistoryTag), model.Json));
            var logged = Grains(c).GetGrain<ILoggedModelGrain>(Ids.NewLoggedModelId());
            await logged.Create(new CreateLoggedModel(snapshot.Info.ExperimentId, model.Name, runId, model.Flavors, new Dictionary<string, string>(),
                new Dictionary<string, string>(StringComparer.Ordinal) { [MlflowLogModelJson.SourceTag] = "runs/log-model" }) { RunArtifactPath = model.ArtifactPath });
            await logged.Finalize(LoggedModelStatus.Ready);
            return MlflowResults.Empty();
        });
        api.Get("logged-models/{model_id}", async (a, c) => MlflowResults.Ok(new { model = MlflowLoggedModelMapper.Model(await Model(a, c).Get()) }));
        api.Patch("logged-models/{model_id}", async (a, c) =>
        {
            var model = await Model(a, c).Finalize(MlflowLoggedModelMapper.ParseStatus(a.String("status")));
            return MlflowResults.Ok(new { model = MlflowLoggedModelMapper.Model(model) });
        });
        api.Delete("logged-models/{model_id}", async (a, c) => { await Model(a, c).Delete(); return MlflowResults.Empty(); });
        api.Post("logged-models/search", async (a, c) =>
        {
            var datasets = a.Objects("datasets").Select((d, i) => new LoggedModelDataset(
                d.String("dataset_name") ?? throw MlopsException.Invalid($"datasets[{i}].dataset_name", "`dataset_name` in the `datasets` clause must be specified."),
                d.String("dataset_digest"))).ToList();
            var orders = a.Objects("order_by").Select((o, i) => new LoggedModelOrder(
                o.String("field_name") ?? throw MlopsException.Invalid($"order_by[{i}].field_name", $"Missing value for required parameter 'order_by[{i}].field_name'."),
                o.Bool("ascending") ?? true, o.String("dataset_name"), o.String("dataset_digest"))).ToList();
            if (!a.Has("experiment_ids")) throw MlopsException.Invalid("experiment_ids", "Missing value for required parameter 'experiment_ids'.");
            var page = await Grains(c).GetGrain<ITrackingQueryGrain>(0).SearchLoggedModels(new SearchLoggedModelsQuery(a.Strings("experiment_ids"),
                a.String("filter"), datasets, (int)(a.Long("max_results") ?? TrackingLimits.DefaultSearchLoggedModels), orders, a.String("page_token")));
            return MlflowResults.Ok(new { models = MlflowResults.NonEmpty(page.Models.Select(MlflowLoggedModelMapper.Model)), next_page_token = page.NextPageToken });
        });
        // 3.5 answers {} here although its proto declares the model.
        api.Patch("logged-models/{model_id}/tags", async (a, c) => { await Model(a, c).SetTags(a.Pairs("tags")); return MlflowResults.Empty(); });
        api.Delete("logged-models/{model_id}/tags/{tag_key}", async (a, c) =>
        {
            await Model(a, c).DeleteTag((string)c.Request.RouteValues["tag_key"]!);
            return MlflowResults.Empty();
        });
        api.Post("logged-models/{model_id}/params", async (a, c) => { await Model(a, c).LogParams(a.Pairs("params")); return MlflowResults.Empty(); });
        api.Get("logged-models/{model_id}/artifacts/directories", async (a, c) =>
        {
            var model = await Model(a, c).Get();
            var relative = ArtifactPath.Directory(a.String("artifact_directory_path") ?? "", "artifact_directory_path");
            var entries = await Store(c).ListAsync(ArtifactPath.Join(model.ArtifactRoot, relative), recursive: false, c.RequestAborted);
            return MlflowResults.Ok(new
            {
                root_uri = model.ArtifactUri,
                files = MlflowResults.NonEmpty(entries.Select(e => new
                {
                    path = e.Key[(model.ArtifactRoot.Length + 1)..],
                    is_dir = e.IsDirectory,
                    file_size = e.IsDirectory ? (long?)null : e.Size,
                })),
            });
        });
        api.Get("logged-models/{model_id}/artifacts/files", async (a, c) =>
        {
            var model = await Model(a, c).Get();
            var path = a.String("artifact_file_path");
            if (string.IsNullOrEmpty(path)) throw MlopsException.Invalid("artifact_file_path", "Missing value for required parameter 'artifact_file_path'.");
            var key = ArtifactKeys.Validate(ArtifactPath.Join(model.ArtifactRoot, ArtifactPath.File(path, "artifact_file_path")), "artifact_file_path");
            var content = await Store(c).OpenReadAsync(key, ct: c.RequestAborted);
            return Results.Stream(content.Stream, "application/octet-stream", fileDownloadName: key[(key.LastIndexOf('/') + 1)..]);
        });
    }

    private static IGrainFactory Grains(HttpContext c) => c.RequestServices.GetRequiredService<IGrainFactory>();

    private static IArtifactStore Store(HttpContext c) => c.RequestServices.GetRequiredService<IArtifactStore>();

    /// <summary>The path's model id; a body that names another (3.5 sends it on finalize and params) is refused, not obeyed.</summary>
    private static ILoggedModelGrain Model(MlflowArgs a, HttpContext c)
    {
        var id = (string)c.Request.RouteValues["model_id"]!;
        LoggedModelValidation.ModelId(id);
        if (a.String("model_id") is { Length: > 0 } body && body != id)
            throw MlopsException.Invalid("model_id", $"the body's model_id '{body}' differs from the path's '{id}'");
        return Grains(c).GetGrain<ILoggedModelGrain>(id);
    }
}
