using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Hosting.Observability;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Gateway;

/// <summary>
/// One error path per HTTP protocol. Every route the platform maps (read from <see cref="EndpointDataSource"/>, so a route
/// added later is covered without touching this file) is driven over a real socket while a grain call filter fails every
/// grain call; each answer must be its protocol's error shape and status, a 500 carrying a correlation id that the logged
/// error line has too. Unmatched paths and wrong methods answer in the protocol's shape as well.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class HttpErrorPathTests(FaultingPlatformFixture platform) : IClassFixture<FaultingPlatformFixture>
{
    private const string RunId = "0123456789abcdef0123456789abcdef";

    private static readonly string[] MlflowPrefixes = ["/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/", "/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/", "/get-artifact", "/model-versions/get-artifact"];

    /// <summary>Routes that never call a grain, so a grain fault cannot reach them.</summary>
    private static readonly Dictionary<string, string> Exempt = new(StringComparer.Ordinal)
    {
        ["/health"] = "MLflow's liveness text, constant",
        ["/version"] = "MLflow's version text, constant",
        ["/health/live"] = "a health check: answers its own status and body by design",
        ["/health/ready"] = "a health check: answers its own status and body by design",
        ["/health/online"] = "a health check: answers its own status and body by design",
        ["/debug/stages"] = "this process's stage timings, read from memory",
        ["gateway-proxy"] = "with no deployments target configured (as here) MLflow's empty gateway, constant; with one, an outside call",
        ["traces"] = "MLflow traces are out of scope: a constant 404 in MLflow's shape",
        ["traces/{**rest}"] = "MLflow traces are out of scope: a constant 404 in MLflow's shape",
        ["mpu/part/{uploadId}/{part:int}"] = "checks its upload manifest and writes the part in the artifact store, with no grain call",
    };

    /// <summary>Plausible route values, by parameter name; a new parameter name fails the test until it is given one.</summary>
    private static readonly Dictionary<string, string> RouteValues = new(StringComparer.Ordinal)
    {
        ["path"] = $"1/{RunId}/artifacts/model/file.txt",
        ["runId"] = RunId,
        ["uploadId"] = RunId,
        ["part"] = "1",
        ["model_id"] = "m-" + RunId,
        ["tag_key"] = "k",
    };

    /// <summary>One body (or query string) carrying every field some route requires, so each handler gets as far as its grain call.</summary>
    private static readonly JsonObject Fields = new()
    {
        ["experiment_id"] = "1", ["run_id"] = RunId, ["name"] = "model-a", ["new_name"] = "model-b", ["key"] = "k", ["value"] = "1.5", ["timestamp"] = 1,
        ["metric_key"] = "k", ["experiment_name"] = "experiment-a", ["run_ids"] = RunId, ["version"] = "1", ["alias"] = "champion", ["stage"] = "Staging",
        ["source"] = $"mlflow-artifacts:/1/{RunId}/artifacts/model", ["path"] = $"1/{RunId}/artifacts/model",
        ["upload_id"] = RunId, ["num_parts"] = 1, ["parts"] = new JsonArray(new JsonObject { ["part_number"] = 1 }),
        ["features"] = new JsonArray("view_a:feature_a"), ["entities"] = new JsonObject { ["id"] = new JsonArray(1) },
        ["push_source_name"] = "source_a", ["feature_view_name"] = "view_a", ["df"] = new JsonObject { ["id"] = new JsonArray(1) },
        ["feature_views"] = new JsonArray("view_a"), ["start_ts"] = "2024-01-01T00:00:00Z", ["end_ts"] = "2024-01-02T00:00:00Z",
        ["experiment_ids"] = new JsonArray("1"), ["models"] = new JsonArray(new JsonObject { ["model_id"] = "m-" + RunId, ["step"] = 0 }),
        ["model_json"] = "{\"artifact_path\": \"model\", \"flavors\": {\"python_function\": {}}}",
    };

    /// <summary>Fields one route needs that would be wrong for another route reading the same name.</summary>
    private static readonly Dictionary<(string Method, string UrlSuffix), JsonObject> RouteFields = new()
    {
        [("PATCH", "/logged-models/m-" + RunId)] = new JsonObject { ["status"] = "LOGGED_MODEL_READY" },
        [("POST", "/runs/create-promptlab-run")] = new JsonObject
        {
            ["prompt_template"] = "t", ["prompt_parameters"] = new JsonArray(new JsonObject { ["key"] = "x", ["value"] = "y" }), ["model_route"] = "r",
            ["model_input"] = "i", ["mlflow_version"] = "2.22.0",
        },
    };

    [Fact]
    public async Task Every_route_answers_an_unexpected_fault_with_its_protocols_500_and_a_logged_correlation_id()
    {
        using var armed = platform.Faults.Arm(() => new InvalidOperationException("injected fault"));
        var failures = new List<string>();
        foreach (var (method, url, protocol) in Routes())
        {
            var (status, body) = await SendAsync(method, url);
            var what = $"{method} {url} -> {(int)status} {body.ToJsonString()}";
            if (status != HttpStatusCode.InternalServerError || !protocol.HasShape(body)) { failures.Add(what); continue; }
            var correlationId = (string?)body["correlation_id"];
            if (string.IsNullOrEmpty(correlationId) || !protocol.Message(body).Contains(correlationId, StringComparison.Ordinal)) { failures.Add($"no correlation id: {what}"); continue; }
            if (protocol.ErrorCode is { } code && (string?)body["error_code"] != code) failures.Add($"error_code: {what}");
            if (!platform.Logs.Lines.Any(l => l.Level == LogLevel.Error && l.Line.Contains(correlationId, StringComparison.Ordinal)))
                failures.Add($"correlation id {correlationId} not in any logged error line: {what}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Every_route_answers_cluster_trouble_with_its_protocols_503()
    {
        using var armed = platform.Faults.Arm(() => new TimeoutException("injected timeout"));
        var failures = new List<string>();
        foreach (var (method, url, protocol) in Routes())
        {
            var (status, body) = await SendAsync(method, url);
            if (status != HttpStatusCode.ServiceUnavailable || !protocol.HasShape(body) || (protocol == Protocol.Mlflow && (string?)body["error_code"] != "TEMPORARILY_UNAVAILABLE"))
                failures.Add($"{method} {url} -> {(int)status} {body.ToJsonString()}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("GET", "/api/2.0/mlflow/no-such-thing")]
    [InlineData("POST", "/ajax-api/2.0/mlflow/runs/no-such-thing")]
    [InlineData("GET", "/api/2.0/mlflow-artifacts/no-such-thing")]
    public async Task An_unmatched_mlflow_path_is_ENDPOINT_NOT_FOUND(string method, string path)
    {
        var (status, body) = await SendAsync(method, path);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ENDPOINT_NOT_FOUND", (string?)body["error_code"]);
        Assert.Contains(path, (string?)body["message"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_on_an_mlflow_path_is_405_in_mlflows_shape()
    {
        var (status, body) = await SendAsync("GET", "/api/2.0/mlflow/experiments/create");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal("BAD_REQUEST", (string?)body["error_code"]);
        Assert.Contains("POST", (string?)body["message"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unmatched_root_path_is_fastapis_not_found_and_a_wrong_method_its_405()
    {
        var (status, body) = await SendAsync("POST", "/no-such-feast-route");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", (string?)body["detail"]);
        (status, body) = await SendAsync("GET", "/push");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal("Method Not Allowed", (string?)body["detail"]);
    }

    [Fact]
    public async Task Refusals_of_the_body_itself_are_in_each_protocols_shape()
    {
        // Kestrel's default request limit is 30 MB; only the artifact routes lift it. Expect: 100-continue lets Kestrel
        // refuse on the declared length before the client sends the body.
        var big = "{\"name\":\"" + new string('a', 31 * 1024 * 1024) + "\"}";
        var (status, body) = await SendRawAsync("POST", "/api/2.0/mlflow/experiments/create", big, "application/json", expectContinue: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("RESOURCE_EXHAUSTED", (string?)body["error_code"]);
        (status, body) = await SendRawAsync("POST", "/api/2.0/mlflow/experiments/create", "{not json", "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body["error_code"]);
        (status, body) = await SendRawAsync("POST", "/api/2.0/mlflow/experiments/create", "name=x", "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("application/json", (string?)body["message"] ?? "", StringComparison.Ordinal);
        (status, body) = await SendRawAsync("POST", "/push", "{not json", "application/json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("not JSON", (string?)body["detail"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grpc_call_answers_an_unexpected_fault_INTERNAL_with_a_logged_correlation_id()
    {
        using var armed = platform.Faults.Arm(() => new InvalidOperationException("injected fault"));
        var e = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => platform.Tracking.GetRunAsync(new Protos.Tracking.V1.GetRunRequest { RunId = RunId }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.Internal, e.StatusCode);
        var correlationId = e.Status.Detail[(e.Status.Detail.LastIndexOf(' ') + 1)..];
        Assert.Contains("correlation id", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(platform.Logs.Lines, l => l.Level == LogLevel.Error && l.Line.Contains(correlationId, StringComparison.Ordinal));
    }

    private IEnumerable<(string Method, string Url, Protocol Protocol)> Routes()
    {
        var routes = platform.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is null && e.DisplayName?.StartsWith("gRPC", StringComparison.Ordinal) != true)
            .ToList();
        Assert.NotEmpty(routes);
        var found = 0;
        foreach (var route in routes)
        {
            var pattern = "/" + route.RoutePattern.RawText!.TrimStart('/');
            // The scrape and the dashboard answer only on the observability port, never on this one (ObservabilityProcessTests).
            if (pattern.StartsWith(ObservabilityOptions.MetricsPath, StringComparison.Ordinal) ||
                pattern.StartsWith(ObservabilityOptions.DashboardPath, StringComparison.Ordinal)) continue;
            if (Exempt.Keys.Any(k => pattern == k || pattern.EndsWith("/" + k, StringComparison.Ordinal))) continue;
            if (route.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods) continue;
            var url = Fill(route);
            var protocol = Protocol.For(pattern);
            foreach (var method in methods.HttpMethods)
            {
                found++;
                yield return (method, url, protocol);
            }
        }
        Assert.True(found > 50, $"only {found} routes were driven");
    }

    private static string Fill(RouteEndpoint route)
    {
        var url = "/" + string.Join('/', route.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p => RouteValues.TryGetValue(p.Name, out var v)
                ? v : throw new InvalidOperationException($"give route parameter '{p.Name}' of {route.RoutePattern.RawText} a plausible value in {nameof(RouteValues)}"),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
        return url;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(string method, string url)
    {
        var query = string.Join('&', Fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : f.Value!.ToJsonString())}"));
        if (method is "GET" or "HEAD") return await SendRawAsync(method, url + "?" + query, null, null);
        // MLflow's UI upload takes its run and path in the query string and the file as the body.
        if (url.EndsWith("/upload-artifact", StringComparison.Ordinal)) return await SendRawAsync(method, url + "?" + query, "file", "application/octet-stream");
        var body = (JsonObject)Fields.DeepClone();
        foreach (var ((m, suffix), extra) in RouteFields)
            if (m == method && url.EndsWith(suffix, StringComparison.Ordinal)) foreach (var (k, v) in extra) body[k] = v?.DeepClone();
        return await SendRawAsync(method, url, body.ToJsonString(), "application/json");
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendRawAsync(string method, string url, string? body, string? contentType, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.ExpectContinue = expectContinue;
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        using var response = await platform.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        // An empty or non-JSON body is itself a failure of the shape; keep it visible in the message.
        var node = text.Length == 0 ? new JsonObject { ["empty_body"] = true } : TryParse(text);
        return (response.StatusCode, node);
    }

    private static JsonObject TryParse(string text)
    {
        try { return JsonNode.Parse(text) as JsonObject ?? new JsonObject { ["raw"] = text }; }
        catch (System.Text.Json.JsonException) { return new JsonObject { ["raw"] = text }; }
    }

    /// <summary>An HTTP protocol's error shape as a client sees it.</summary>
    public sealed record Protocol(string Name, string MessageField, string? ErrorCode)
    {
        public static readonly Protocol Mlflow = new("MLflow", "message", "INTERNAL_ERROR");
        public static readonly Protocol Feast = new("Feast", "detail", null);
        public static readonly Protocol Diagnostics = new("diagnostics", "error", null);

        /// <summary>By path prefix; Feast's routes sit at the root, so it owns what no other protocol does (add KServe's /v2 here).</summary>
        public static Protocol For(string pattern) =>
            MlflowPrefixes.Any(p => pattern.StartsWith(p, StringComparison.Ordinal)) ? Mlflow
            : pattern.StartsWith("/debug/", StringComparison.Ordinal) ? Diagnostics
            : Feast;

        public bool HasShape(JsonObject body) =>
            body[MessageField] is JsonValue v && v.TryGetValue<string>(out var m) && m.Length > 0
            && (ErrorCode is null || body["error_code"] is JsonValue c && c.TryGetValue<string>(out _));

        public string Message(JsonObject body) => (string?)body[MessageField] ?? "";
    }
}
