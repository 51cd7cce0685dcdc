using Microsoft.AspNetCore.Http.Features;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Contracts.Registry;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Gateway.Common;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow's artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts/&lt;path&gt;</c>). Paths are store keys: a run's
/// <c>&lt;experiment location&gt;/&lt;run&gt;/artifacts/…</c>, a logged model's <c>&lt;experiment&gt;/models/&lt;model_id&gt;/artifacts/…</c>
/// or a free file below an experiment's own mlflow-artifacts:/ location (read and write), or a registered version's
/// <c>models/…</c> (read only). Nothing else, at the root or anywhere, is served or written.
/// </summary>
internal static class MlflowArtifactEndpoints
{
    public static void Map(WebApplication app)
    {
        foreach (var prefix in new[] { "/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts" })
        {
            var api = app.MapGroup(prefix);
            api.Get("artifacts", (a, c) => ListAsync(a.String("path") ?? "", c));
            api.MapGet("artifacts/{**path}", (string path, HttpContext c) => DownloadAsync(path, c));
            api.MapPut("artifacts/{**path}", (string path, HttpContext c) => UploadAsync(path, c));
            api.MapDelete("artifacts/{**path}", (string path, HttpContext c) => DeleteAsync(path, c));
            MlflowMultipartEndpoints.Map(api);
        }
        // MLflow's UI routes for a run's files: a download at the root and an upload under the ajax API.
        app.MapGet(GetArtifactPath, (Delegate)((HttpContext c) => GetArtifactAsync(c)));
        app.MapGet(ModelVersionArtifactPath, (Delegate)((HttpContext c) => GetModelVersionArtifactAsync(c)));
        foreach (var prefix in MlflowRoutes.ApiPrefixes)
            app.MapPost(prefix + "/upload-artifact", (Delegate)((HttpContext c) => UploadArtifactAsync(c)));
    }

    /// <summary>MLflow's <c>GET /get-artifact?path=&amp;run_uuid=</c>, outside the API prefixes (errors still in MLflow's shape).</summary>
    public const string GetArtifactPath = "/get-artifact";

    private static async Task<IResult> GetArtifactAsync(HttpContext c)
    {
        var (runId, path) = RunFile(c);
        var key = ArtifactPath.Join(await ArtifactRoots.RunAsync(Grains(c), runId, forWrite: false), path);
        var content = await Store(c).OpenReadAsync(key, ct: c.RequestAborted);
        return MlflowDownloads.File(c, content.Stream, path);
    }

    /// <summary>
    /// MLflow's <c>GET /model-versions/get-artifact?name=&amp;version=&amp;path=</c>: a file of a version's pinned copy. A
    /// version whose source was recorded as given has no copy and is refused with the reason; its source is never read.
    /// </summary>
    public const string ModelVersionArtifactPath = "/model-versions/get-artifact";

    private static async Task<IResult> GetModelVersionArtifactAsync(HttpContext c)
    {
        var name = c.Request.Query["name"].FirstOrDefault();
        if (string.IsNullOrEmpty(name)) throw MlopsException.Invalid("name", "Missing value for required parameter 'name'.");
        var versionText = c.Request.Query["version"].FirstOrDefault();
        if (!long.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            throw MlopsException.Invalid("version", $"Invalid value {System.Text.Json.JsonSerializer.Serialize(versionText)} for parameter 'version' supplied: a version is a positive integer.");
        var path = ArtifactPath.File(c.Request.Query["path"].FirstOrDefault(), "path");
        var id = await Grains(c).GetGrain<IRegistryQueryGrain>(0).FindModelId(name)
            ?? throw MlopsException.NotFound($"Registered Model with name={name} not found");
        var version = await Grains(c).GetGrain<IRegisteredModelGrain>(id).GetVersion(number);
        if (!version.IsCopied)
            throw MlopsException.Precondition($"version {number} of '{name}' records '{version.Source}' as given: nothing was copied into the store, so no file of it is served");
        var content = await Store(c).OpenReadAsync(ArtifactPath.Join(version.StorageLocation, path), ct: c.RequestAborted);
        return MlflowDownloads.File(c, content.Stream, path);
    }

    private static async Task<IResult> UploadArtifactAsync(HttpContext c)
    {
        var (runId, path) = RunFile(c);
        if (c.Request.ContentLength is 0 || (c.Request.ContentLength is null && !c.Request.Headers.TransferEncoding.Any()))
            throw MlopsException.Invalid("data", "Request must specify data.");
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        await Transfers(c).UploadToRunAsync(runId, path, c.Request.Body, null, c.RequestAborted);
        return MlflowResults.Empty();
    }

    private static (string RunId, string Path) RunFile(HttpContext c)
    {
        var runId = c.Request.Query["run_uuid"].FirstOrDefault() is { Length: > 0 } u ? u : c.Request.Query["run_id"].FirstOrDefault();
        // MLflow's wording for these two routes.
        if (string.IsNullOrEmpty(runId)) throw MlopsException.Invalid("run_uuid", "Request must specify run_uuid.");
        TrackingValidation.RunId(runId, "run_uuid");
        var path = c.Request.Query["path"].FirstOrDefault();
        if (string.IsNullOrEmpty(path)) throw MlopsException.Invalid("path", "Request must specify path.");
        return (runId, ArtifactPath.File(path, "path"));
    }

    private static async Task<IResult> ListAsync(string path, HttpContext c)
    {
        if (path.Length == 0) return MlflowResults.Empty();
        var target = await ResolveAsync(path, c, forWrite: false);
        if (target.RunId is { } runId)
        {
            var files = await Grains(c).GetGrain<IRunGrain>(runId).ListArtifacts(target.Relative, recursive: false);
            // Listing a file (not a folder) answers {} as MLflow does.
            if (files.Count == 1 && files[0].Path == target.Relative && files[0].Size >= 0) return MlflowResults.Empty();
            return MlflowResults.Ok(new
            {
                files = MlflowResults.NonEmpty(files.Select(f => new { path = f.Path[(f.Path.LastIndexOf('/') + 1)..], is_dir = f.Size < 0, file_size = f.Size < 0 ? (long?)null : f.Size })),
            });
        }
        var entries = await Store(c).ListAsync(target.Key, recursive: false, c.RequestAborted);
        return MlflowResults.Ok(new
        {
            files = MlflowResults.NonEmpty(entries.Select(e => new { path = e.Key[(e.Key.LastIndexOf('/') + 1)..], is_dir = e.IsDirectory, file_size = e.IsDirectory ? (long?)null : e.Size })),
        });
    }

    private static async Task<IResult> DownloadAsync(string path, HttpContext c)
    {
        var target = await ResolveAsync(path, c, forWrite: false);
        var content = await Store(c).OpenReadAsync(target.Key, ct: c.RequestAborted);
        return MlflowDownloads.File(c, content.Stream, target.Key);
    }

    private static async Task<IResult> UploadAsync(string path, HttpContext c)
    {
        var target = await ResolveAsync(path, c, forWrite: true);
        // Artifact uploads of any size stream through: lift Kestrel's body limit on this route only.
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        if (target.LoggedModel || target.FreeFile)
        {
            // A logged model's files and an experiment's free files are the store's listing itself: no catalog rows beside them.
            if (target.Relative.Length == 0) throw MlopsException.Invalid("path", "a file path below the logged model's artifacts or the experiment's location is required");
            await Store(c).WriteAsync(target.Key, c.Request.Body, ct: c.RequestAborted);
            return MlflowResults.Empty();
        }
        if (target.RunId is not { } runId) throw MlopsException.Invalid("path", "only a run's or a logged model's artifacts can be written through the proxy");
        await Transfers(c).UploadToRunAsync(runId, target.Relative, c.Request.Body, null, c.RequestAborted);
        return MlflowResults.Empty();
    }

    private static async Task<IResult> DeleteAsync(string path, HttpContext c)
    {
        var target = await ResolveAsync(path, c, forWrite: true);
        if (target.LoggedModel || target.FreeFile)
        {
            foreach (var entry in await Store(c).ListAsync(target.Key, recursive: true, c.RequestAborted))
                if (!entry.IsDirectory) await Store(c).DeleteAsync(entry.Key, c.RequestAborted);
            await Store(c).DeleteAsync(target.Key, c.RequestAborted);
            return MlflowResults.Empty();
        }
        if (target.RunId is not { } runId) throw MlopsException.Invalid("path", "only a run's or a logged model's artifacts can be deleted through the proxy");
        await Transfers(c).DeleteAsync(runId, target.Relative, missingIsNotFound: false, c.RequestAborted);
        return MlflowResults.Empty();
    }

    internal sealed record Target(string Key, string? RunId, string Relative, bool LoggedModel = false, bool FreeFile = false);

    /// <summary>A proxy path as a store key, checked against the run it names (or a registered version's pinned files).</summary>
    internal static async Task<Target> ResolveAsync(string path, HttpContext c, bool forWrite)
    {
        var key = ArtifactKeys.Validate(path, "path");
        var parts = key.Split('/');
        if (parts.Length >= 4 && parts[1] == "models" && parts[3] == "artifacts" && LoggedModelValidation.IsModelId(parts[2]))
        {
            var model = await Grains(c).GetGrain<ILoggedModelGrain>(parts[2]).Get();
            if (model.ArtifactRoot != string.Join('/', parts.Take(4)))
                throw MlopsException.NotFound($"logged model '{parts[2]}' has no artifacts under '{string.Join('/', parts.Take(4))}'");
            return new Target(key, null, string.Join('/', parts.Skip(4)), LoggedModel: true);
        }
        // A run's files sit under its artifact_uri: <experiment location>/<run>/artifacts, where the location is the default
        // mlflow-artifacts:/<experiment> or any mlflow-artifacts:/ path the experiment was created with. Either way they are
        // stored under the run's own key; the path must be exactly the run's recorded location.
        var runAt = Enumerable.Range(1, Math.Max(parts.Length - 2, 0)).FirstOrDefault(i => parts[i + 1] == "artifacts" && TrackingValidation.IsRunId(parts[i]));
        var registryRead = !forWrite && parts.Length >= 3 && parts[0] == "models";
        if (runAt >= 1 && await RunRootAsync(parts, runAt, c, forWrite, quietly: registryRead) is { } run) return run;
        // A registered version's pinned files (read only); also a pinned run folder whose path merely looks like a run's.
        if (registryRead) return new Target(key, null, key);
        // Any other path is a free file below an experiment's own mlflow-artifacts:/ location, kept in that experiment's
        // area of the store (<experiment>/files/…), so no location an experiment names can reach models/, staging/, the
        // feature store or another experiment's files.
        var candidates = Enumerable.Range(1, parts.Length).Select(k => ExperimentLocations.ProxyRoot + "/" + string.Join('/', parts.Take(k))).ToList();
        if (await Grains(c).GetGrain<ITrackingQueryGrain>(0).FindExperimentByLocation(candidates) is { } experimentId)
        {
            var location = (await Grains(c).GetGrain<IExperimentGrain>(experimentId).Get()).ArtifactLocation;
            var depth = location[(ExperimentLocations.ProxyRoot.Length + 1)..].Split('/').Length;
            var rest = string.Join('/', parts.Skip(depth));
            return new Target(ArtifactPath.Join($"{experimentId}/files", rest), null, rest, FreeFile: true);
        }
        throw MlopsException.NotFound($"no artifacts are served under '{path}': it is not a run's or a logged model's, nor below an experiment's artifact_location");
    }

    /// <summary>
    /// The run target when the path is exactly the run's recorded location; null when no such run exists; a path naming an
    /// existing run somewhere else is NOT_FOUND (or null, quietly).
    /// </summary>
    private static async Task<Target?> RunRootAsync(string[] parts, int runAt, HttpContext c, bool forWrite, bool quietly)
    {
        var runId = parts[runAt];
        var location = string.Join('/', parts.Take(runAt + 2));
        try
        {
            var root = await ArtifactRoots.RunAsync(Grains(c), runId, forWrite);
            if (root == location || (await Grains(c).GetGrain<IRunGrain>(runId).Get()).Info.ArtifactUri == ExperimentLocations.ProxyRoot + "/" + location)
            {
                var relative = string.Join('/', parts.Skip(runAt + 2));
                return new Target(ArtifactPath.Join(root, relative), runId, relative);
            }
        }
        // NOT_FOUND here only ever means the run does not exist. A segment of the form this server mints for runs is a run
        // that is gone (NOT_FOUND); any other word is just part of a free file's path.
        catch (MlopsException e) when (e.Code == MlOps.Orleans.Contracts.Common.ErrorCode.NotFound && (quietly || !Ids.IsMintedHex32(runId))) { return null; }
        return quietly ? null : throw MlopsException.NotFound($"run '{runId}' has no artifacts under '{location}'");
    }

    private static IGrainFactory Grains(HttpContext c) => c.RequestServices.GetRequiredService<IGrainFactory>();

    private static IArtifactStore Store(HttpContext c) => c.RequestServices.GetRequiredService<IArtifactStore>();

    private static ArtifactTransfers Transfers(HttpContext c) => c.RequestServices.GetRequiredService<ArtifactTransfers>();
}
