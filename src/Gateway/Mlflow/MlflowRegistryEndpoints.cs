using MlOps.Orleans.Gateway.Registry;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Registry;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow's model-registry routes over the same model grains as the gRPC registry.</summary>
internal static class MlflowRegistryEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.Post("registered-models/create", async (a, c) =>
        {
            var name = a.Required("name");
            RegistryValidation.ModelName(name);
            var model = await Models(c).Create(new CreateRegisteredModel(name, a.String("description"), a.Pairs("tags"), MlflowIdentity.UserId(c.Request)));
            return MlflowResults.Ok(new { registered_model = MlflowRegistryMapper.Model(model) });
        });
        api.Get("registered-models/get", async (a, c) =>
            MlflowResults.Ok(new { registered_model = MlflowRegistryMapper.Model(await (await Model(a, c)).Get()) }));
        api.Post("registered-models/rename", async (a, c) =>
            MlflowResults.Ok(new { registered_model = MlflowRegistryMapper.Model(await (await Model(a, c)).Rename(a.Required("new_name"))) }));
        api.Patch("registered-models/update", async (a, c) =>
            MlflowResults.Ok(new { registered_model = MlflowRegistryMapper.Model(await (await Model(a, c)).UpdateDescription(a.String("description") ?? "")) }));
        api.Delete("registered-models/delete", async (a, c) => { await (await Model(a, c)).Delete(); return MlflowResults.Empty(); });
        api.GetOrPost("registered-models/search", async (a, c) =>
        {
            var page = await Models(c).Query.SearchModels(new SearchModelsQuery(a.String("filter"), a.Strings("order_by"), (int)(a.Long("max_results") ?? 100), a.String("page_token")));
            return MlflowResults.Ok(new { registered_models = MlflowResults.NonEmpty(page.Models.Select(MlflowRegistryMapper.Model)), next_page_token = page.NextPageToken });
        });
        api.GetOrPost("registered-models/get-latest-versions", async (a, c) =>
        {
            var versions = await (await Model(a, c)).GetLatestVersions(a.Strings("stages").Select(MlflowRegistryMapper.ParseStage).ToList());
            return MlflowResults.Ok(new { model_versions = MlflowResults.NonEmpty(versions.Select(MlflowRegistryMapper.Version)) });
        });
        api.Post("registered-models/set-tag", async (a, c) => { await (await Model(a, c)).SetTag(a.Required("key"), a.String("value") ?? ""); return MlflowResults.Empty(); });
        api.Delete("registered-models/delete-tag", async (a, c) => { await (await Model(a, c)).DeleteTag(a.Required("key")); return MlflowResults.Empty(); });
        api.Post("registered-models/alias", async (a, c) =>
        {
            await (await Model(a, c)).SetAlias(a.Required("alias"), MlflowRegistryMapper.ParseVersion(a.Required("version")));
            return MlflowResults.Empty();
        });
        api.Delete("registered-models/alias", async (a, c) => { await (await Model(a, c)).DeleteAlias(a.Required("alias")); return MlflowResults.Empty(); });
        api.Get("registered-models/alias", async (a, c) =>
        {
            var model = await Model(a, c);
            var alias = a.Required("alias");
            RegistryValidation.Alias(alias);
            // MLflow 3 answers a missing alias of an existing model with 400 INVALID_PARAMETER_VALUE, not 404.
            if (!(await model.Get()).Aliases.ContainsKey(alias)) throw MlopsException.Invalid("alias", $"Registered model alias {alias} not found.");
            return MlflowResults.Ok(new { model_version = MlflowRegistryMapper.Version(await model.ResolveAlias(alias)) });
        });

        api.Post("model-versions/create", async (a, c) =>
        {
            var modelId = a.String("model_id");
            var version = await (await Model(a, c)).CreateVersion(new CreateModelVersion(a.Required("source"), a.String("run_id"), a.String("description"),
                a.Pairs("tags"), a.String("run_link"), MlflowIdentity.UserId(c.Request)) { ModelId = modelId, RecordAsGiven = true });
            if (!string.IsNullOrEmpty(modelId)) await MlflowModelVersionsTag.AppendAsync(Grains(c).GetGrain<ILoggedModelGrain>(modelId), version);
            return MlflowResults.Ok(new { model_version = MlflowRegistryMapper.Version(version) });
        });
        api.Get("model-versions/get", async (a, c) =>
            MlflowResults.Ok(new { model_version = MlflowRegistryMapper.Version(await (await Model(a, c)).GetVersion(Version(a))) }));
        api.Patch("model-versions/update", async (a, c) =>
            MlflowResults.Ok(new { model_version = MlflowRegistryMapper.Version(await (await Model(a, c)).UpdateVersion(Version(a), a.String("description") ?? "")) }));
        api.Delete("model-versions/delete", async (a, c) => { await (await Model(a, c)).DeleteVersion(Version(a)); return MlflowResults.Empty(); });
        api.GetOrPost("model-versions/search", async (a, c) =>
        {
            var page = await Models(c).Query.SearchVersions(new SearchVersionsQuery(a.String("filter"), a.Strings("order_by"), (int)(a.Long("max_results") ?? 10000), a.String("page_token")));
            return MlflowResults.Ok(new { model_versions = MlflowResults.NonEmpty(page.Versions.Select(MlflowRegistryMapper.Version)), next_page_token = page.NextPageToken });
        });
        api.Post("model-versions/transition-stage", async (a, c) =>
        {
            var version = await (await Model(a, c)).TransitionStage(Version(a), MlflowRegistryMapper.ParseStage(a.Required("stage")), a.Bool("archive_existing_versions") ?? false);
            return MlflowResults.Ok(new { model_version = MlflowRegistryMapper.Version(version) });
        });
        api.Get("model-versions/get-download-uri", async (a, c) =>
        {
            var version = await (await Model(a, c)).GetVersion(Version(a));
            // A version made from a logged model downloads from the logged model's root, as MLflow 3 answers.
            if (MlflowRegistryMapper.LoggedModelId(version) is { } loggedId)
                return MlflowResults.Ok(new { artifact_uri = (await Grains(c).GetGrain<ILoggedModelGrain>(loggedId).Get()).ArtifactUri });
            // A source recorded as given is answered as given, as MLflow does: the client resolves it itself; this server
            // never reads it.
            return MlflowResults.Ok(new { artifact_uri = version.IsCopied ? $"mlflow-artifacts:/{version.StorageLocation}" : version.Source });
        });
        api.Post("model-versions/set-tag", async (a, c) => { await (await Model(a, c)).SetVersionTag(Version(a), a.Required("key"), a.String("value") ?? ""); return MlflowResults.Empty(); });
        api.Delete("model-versions/delete-tag", async (a, c) => { await (await Model(a, c)).DeleteVersionTag(Version(a), a.Required("key")); return MlflowResults.Empty(); });
    }

    private static IGrainFactory Grains(HttpContext c) => c.RequestServices.GetRequiredService<IGrainFactory>();

    private static ModelDirectory Models(HttpContext c) => c.RequestServices.GetRequiredService<ModelDirectory>();

    private static Task<IRegisteredModelGrain> Model(MlflowArgs a, HttpContext c) => Models(c).ByName(a.Required("name"));

    private static long Version(MlflowArgs a) => MlflowRegistryMapper.ParseVersion(a.Required("version"));
}
