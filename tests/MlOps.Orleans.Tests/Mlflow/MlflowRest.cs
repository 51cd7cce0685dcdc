using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>A thin MLflow REST caller over real HTTP/1.1, returning status and parsed JSON.</summary>
public sealed class MlflowRest(HttpClient http, string prefix = "/api/2.0/mlflow/")
{
    public async Task<(HttpStatusCode Status, JsonObject Body)> Post(string path, object body, string method = "POST")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), prefix + path) { Content = JsonContent.Create(body) };
        return await Send(request);
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> Get(string path, params (string Key, string Value)[] query)
    {
        var qs = string.Join("&", query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, prefix + path + (qs.Length > 0 ? "?" + qs : ""));
        return await Send(request);
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> Raw(string path, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, prefix + path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        return await Send(request);
    }

    /// <summary>Succeeds or fails the test with MLflow's error body in the message.</summary>
    public async Task<JsonObject> Ok(Task<(HttpStatusCode Status, JsonObject Body)> call)
    {
        var (status, body) = await call;
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body.ToJsonString()}");
        return body;
    }

    public static async Task Refused(Task<(HttpStatusCode Status, JsonObject Body)> call, HttpStatusCode status, string errorCode, string mention = "")
    {
        var (actual, body) = await call;
        Assert.True(actual == status, $"expected {status}, got {actual}: {body.ToJsonString()}");
        Assert.Equal(errorCode, (string?)body["error_code"]);
        Assert.Contains(mention, (string?)body["message"] ?? "", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(HttpStatusCode, JsonObject)> Send(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var node = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject { ["raw"] = text };
        return (response.StatusCode, node);
    }
}
