using Microsoft.AspNetCore.Http.Features;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow's multipart upload for proxied artifacts, mapped onto <see cref="MultipartTransfers"/>: parts are PUT to URLs this
/// server hands out, bound to the create's run and path, and joined (streamed, never buffered whole) on complete.
/// </summary>
internal static class MlflowMultipartEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.Post("mpu/create/{**path}", async (a, c) =>
        {
            // Resolved for its checks: the run exists, is active and owns the path; the upload id is then bound to both.
            var target = await RunTargetAsync(c);
            var (uploadId, parts) = await Multipart(c).CreateAsync(target.RunId!, target.Key, a.Long("num_parts"), c.RequestAborted);
            var baseUrl = $"{c.Request.Scheme}://{c.Request.Host}{c.Request.PathBase}/api/2.0/mlflow-artifacts/mpu/part/{uploadId}";
            return MlflowResults.Ok(new
            {
                upload_id = uploadId,
                credentials = Enumerable.Range(1, parts).Select(n => new { part_number = n, url = $"{baseUrl}/{n}" }).ToList(),
            });
        });
        api.MapPut("mpu/part/{uploadId}/{part:int}", async (string uploadId, int part, HttpContext c) =>
        {
            // Errors go through the MLflow error path (HttpErrorMiddleware) like every other route.
            if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
            var stored = await Multipart(c).PartAsync(uploadId, part, c.Request.Body, c.Request.ContentLength, c.RequestAborted);
            c.Response.Headers.ETag = $"\"{stored.Sha256}\"";
            return MlflowResults.Empty();
        });
        api.Post("mpu/complete/{**path}", async (a, c) =>
        {
            var target = await RunTargetAsync(c);
            var numbers = a.Objects("parts").Select((p, i) => (int)(p.Long("part_number") ?? throw MlopsException.Invalid($"parts[{i}].part_number", "part_number is required"))).ToList();
            await Multipart(c).CompleteAsync(target.RunId!, target.Key, target.Relative, a.Required("upload_id"), numbers, c.RequestAborted);
            return MlflowResults.Empty();
        });
        api.Post("mpu/abort/{**path}", async (a, c) =>
        {
            var target = await RunTargetAsync(c);
            await Multipart(c).AbortAsync(target.RunId!, target.Key, a.Required("upload_id"), c.RequestAborted);
            return MlflowResults.Empty();
        });
    }

    /// <summary>
    /// The run the path belongs to. Uploads are bound to a run (its lifecycle decides whether parts may still land), so a
    /// logged model's folder or a free file below an experiment's location is written with a plain PUT instead.
    /// </summary>
    private static async Task<MlflowArtifactEndpoints.Target> RunTargetAsync(HttpContext c)
    {
        var target = await MlflowArtifactEndpoints.ResolveAsync(RoutePath(c), c, forWrite: true);
        if (target.RunId is null)
            throw MlopsException.Invalid("path", $"multipart upload is only for a run's artifacts; '{RoutePath(c)}' is {(target.LoggedModel ? "a logged model's folder" : "a free file below an experiment's location")}, so PUT it whole");
        return target;
    }

    private static string RoutePath(HttpContext c) => c.Request.RouteValues["path"] as string ?? "";

    private static MultipartTransfers Multipart(HttpContext c) => c.RequestServices.GetRequiredService<MultipartTransfers>();
}
