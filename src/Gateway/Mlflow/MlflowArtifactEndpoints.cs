using Microsoft.AspNetCore.Http.Features;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow's artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts/&lt;path&gt;</c>). Paths are store keys: a run's
/// <c>&lt;experiment&gt;/&lt;run&gt;/artifacts/…</c> or a logged model's <c>&lt;experiment&gt;/models/&lt;model_id&gt;/artifacts/…</c>
/// (read and write), or a registered version's <c>models/…</c> (read only).
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
        // The type from the name, never sniffed from the bytes, and offered as a download: a run's files are the client's.
        c.Response.Headers.XContentTypeOptions = "nosniff";
        var type = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider().TryGetContentType(path, out var known) ? known : "application/octet-stream";
        return Results.Stream(content.Stream, type, fileDownloadName: path[(path.LastIndexOf('/') + 1)..]);
    }

    private static async Task<IResult> UploadArtifactAsync(HttpContext c)
    {
        var (runId, path) = RunFile(c);
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        await Transfers(c).UploadToRunAsync(runId, path, c.Request.Body, null, c.RequestAborted);
        return MlflowResults.Empty();
    }

    private static (string RunId, string Path) RunFile(HttpContext c)
    {
        var runId = c.Request.Query["run_uuid"].FirstOrDefault() is { Length: > 0 } u ? u : c.Request.Query["run_id"].FirstOrDefault();
        if (string.IsNullOrEmpty(runId)) throw MlopsException.Invalid("run_uuid", "Missing value for required parameter 'run_uuid'.");
        TrackingValidation.RunId(runId, "run_uuid");
        var path = c.Request.Query["path"].FirstOrDefault();
        if (string.IsNullOrEmpty(path)) throw MlopsException.Invalid("path", "Missing value for required parameter 'path'.");
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
        return Results.Stream(content.Stream, "application/octet-stream");
    }

    private static async Task<IResult> UploadAsync(string path, HttpContext c)
    {
        var target = await ResolveAsync(path, c, forWrite: true);
        // Artifact uploads of any size stream through: lift Kestrel's body limit on this route only.
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        if (target.LoggedModel)
        {
            // A logged model's files are the store's listing itself: no catalog rows to keep beside them.
            if (target.Relative.Length == 0) throw MlopsException.Invalid("path", "a file path under the logged model's artifacts is required");
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
        if (target.LoggedModel)
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

    internal sealed record Target(string Key, string? RunId, string Relative, bool LoggedModel = false);

    /// <summary>A proxy path as a store key, checked against the run it names (or a registered version's pinned files).</summary>
    internal static async Task<Target> ResolveAsync(string path, HttpContext c, bool forWrite)
    {
        var key = ArtifactKeys.Validate(path, "path");
        var parts = key.Split('/');
        if (parts.Length >= 3 && parts[2] == "artifacts")
        {
            var root = await ArtifactRoots.RunAsync(Grains(c), parts[1], forWrite);
            if (root != string.Join('/', parts.Take(3)))
                throw MlopsException.NotFound($"run '{parts[1]}' has no artifacts under '{string.Join('/', parts.Take(3))}'");
            return new Target(key, parts[1], string.Join('/', parts.Skip(3)));
        }
        if (parts.Length >= 4 && parts[1] == "models" && parts[3] == "artifacts")
        {
            LoggedModelValidation.ModelId(parts[2], "path");
            var model = await Grains(c).GetGrain<ILoggedModelGrain>(parts[2]).Get();
            if (model.ArtifactRoot != string.Join('/', parts.Take(4)))
                throw MlopsException.NotFound($"logged model '{parts[2]}' has no artifacts under '{string.Join('/', parts.Take(4))}'");
            return new Target(key, null, string.Join('/', parts.Skip(4)), LoggedModel: true);
        }
        if (!forWrite && parts.Length >= 3 && parts[0] == "models") return new Target(key, null, key);
        throw MlopsException.NotFound($"no artifacts are served under '{path}'");
    }

    private static IGrainFactory Grains(HttpContext c) => c.RequestServices.GetRequiredService<IGrainFactory>();

    private static IArtifactStore Store(HttpContext c) => c.RequestServices.GetRequiredService<IArtifactStore>();

    private static ArtifactTransfers Transfers(HttpContext c) => c.RequestServices.GetRequiredService<ArtifactTransfers>();
}
