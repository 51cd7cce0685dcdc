using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Hosting;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// MLflow's <c>gateway-proxy</c> route, which the prompt-engineering UI calls to reach an MLflow deployments server. With
/// no target configured it answers an empty gateway, as MLflow does. With one, the request goes to the operator's target
/// only: the client's gateway_path must be a plain relative path (the artifact path rules, so it cannot climb out of the
/// target's base), no redirects are followed, and an answer is read up to 1 MiB within 10 s.
/// </summary>
internal static class MlflowGatewayProxyEndpoint
{
    private const int MaxAnswerBytes = 1 << 20;

    private static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(10),
        MaxResponseContentBufferSize = MaxAnswerBytes,
    };

    public static void Map(RouteGroupBuilder api) => api.GetOrPost("gateway-proxy", async (a, c) =>
    {
        var target = c.RequestServices.GetRequiredService<MlopsOptions>().DeploymentsTarget;
        if (string.IsNullOrEmpty(target)) return MlflowResults.Ok(new { endpoints = Array.Empty<object>() });
        var path = a.String("gateway_path");
        if (string.IsNullOrEmpty(path)) throw MlopsException.Invalid("gateway_path", "Deployments proxy request must specify a gateway_path.");
        // One trailing slash is part of MLflow's own paths (api/2.0/endpoints/); the rest must be a plain relative path.
        ArtifactPath.File(path.EndsWith('/') ? path[..^1] : path, "gateway_path");
        using var request = new HttpRequestMessage(HttpMethods.IsGet(c.Request.Method) ? HttpMethod.Get : HttpMethod.Post, $"{target.TrimEnd('/')}/{path}");
        if (a.Node("json_data") is { } json) request.Content = JsonContent.Create(json);
        HttpResponseMessage answer;
        try
        {
            answer = await Client.SendAsync(request, c.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new MlopsException(ErrorCode.Unavailable, $"Deployments proxy request to the configured target failed: {e.Message}");
        }
        using (answer)
        {
            var text = await answer.Content.ReadAsStringAsync(c.RequestAborted);
            if (!answer.IsSuccessStatusCode)
                throw MlopsException.Invalid("gateway_path", $"Deployments proxy request failed with error code {(int)answer.StatusCode}. Error message: {Clip(text)}");
            try
            {
                return Results.Json(JsonNode.Parse(text), MlflowResults.Json);
            }
            catch (System.Text.Json.JsonException)
            {
                throw new MlopsException(ErrorCode.Unavailable, "Deployments proxy target answered something that is not JSON");
            }
        }
    });

    private static string Clip(string s) => s.Length <= 500 ? s : s[..500] + "...";
}
