using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>
/// An embedded platform started as MLflow's <c>--default-artifact-root</c> deployments are (clients write artifacts to a
/// root of their own) and with a deployments server behind <c>gateway-proxy</c>: a small HTTP server in this process,
/// standing in for MLflow's AI gateway, which records what it was asked.
/// </summary>
public sealed class ClientRootPlatformFixture : PlatformFixture
{
    public string ClientRoot { get; } = "file://" + Path.Combine(Path.GetTempPath(), "mlops-client-root", Guid.NewGuid().ToString("N"));

    public List<(string Method, string Path, string Body)> GatewayCalls { get; } = [];

    private WebApplication? _gateway;
    private readonly PortReservation _gatewayPort = FreePort.Reserve(1);

    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var port = _gatewayPort.Ports[0];
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _gateway = builder.Build();
        _gateway.Map("/{**path}", async (HttpContext c) =>
        {
            var body = await new StreamReader(c.Request.Body).ReadToEndAsync();
            lock (GatewayCalls) GatewayCalls.Add((c.Request.Method, c.Request.Path.Value ?? "", body));
            if (c.Request.Path.StartsWithSegments("/api/2.0/endpoints/broken")) return Results.Text("boom", statusCode: 502);
            return Results.Json(new { endpoints = new[] { new { name = "chat" } } });
        });
        _gatewayPort.Dispose();
        await _gateway.StartAsync();
        return new Dictionary<string, string?>
        {
            ["Mlops:Mode"] = "Embedded",
            ["Mlops:DefaultArtifactRoot"] = ClientRoot,
            ["Mlops:DeploymentsTarget"] = $"http://127.0.0.1:{port}",
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_gateway is not null) await _gateway.DisposeAsync();
    }
}

[Trait("Category", Category.Platform)]
public sealed class MlflowClientRootTests(ClientRootPlatformFixture platform) : IClassFixture<ClientRootPlatformFixture>
{
    private readonly MlflowRest _rest = new(platform.Http);

    [Fact]
    public async Task Experiments_without_a_location_get_the_client_root_and_the_server_never_writes_there()
    {
        var e = (string)(await _rest.Ok(_rest.Post("experiments/create", new { name = $"root-{Guid.NewGuid():N}" })))["experiment_id"]!;
        Assert.Equal($"{platform.ClientRoot}/{e}", (string?)(await _rest.Ok(_rest.Get("experiments/get", ("experiment_id", e))))["experiment"]!["artifact_location"]);
        Assert.Equal($"{platform.ClientRoot}/0", (string?)(await _rest.Ok(_rest.Get("experiments/get", ("experiment_id", "0"))))["experiment"]!["artifact_location"]);
        var run = (JsonObject)(await _rest.Ok(_rest.Post("runs/create", new { experiment_id = e })))["run"]!;
        var (runId, uri) = ((string)run["info"]!["run_id"]!, (string)run["info"]!["artifact_uri"]!);
        Assert.Equal($"{platform.ClientRoot}/{e}/{runId}/artifacts", uri);

        // A model registered from the client's own files is recorded as given and its download location is that source.
        var name = $"m-{Guid.NewGuid():N}";
        await _rest.Ok(_rest.Post("registered-models/create", new { name }));
        var version = (await _rest.Ok(_rest.Post("model-versions/create", new { name, source = uri + "/model", run_id = runId })))["model_version"]!;
        Assert.Equal("READY", (string?)version["status"]);
        Assert.Equal(uri + "/model", (string?)(await _rest.Ok(_rest.Get("model-versions/get-download-uri", ("name", name), ("version", "1"))))["artifact_uri"]);
        Assert.False(Directory.Exists(new Uri(platform.ClientRoot).LocalPath), "the server wrote under the clients' root");
    }

    [Fact]
    public async Task The_gateway_proxy_forwards_a_relative_path_to_the_configured_target_and_refuses_anything_else()
    {
        var ajax = new MlflowRest(platform.Http, "/ajax-api/2.0/mlflow/");
        var listed = await ajax.Ok(ajax.Post("gateway-proxy", new { gateway_path = "api/2.0/endpoints/", json_data = new { q = 1 } }));
        Assert.Equal("chat", (string?)listed["endpoints"]![0]!["name"]);
        lock (platform.GatewayCalls) Assert.Contains(platform.GatewayCalls, call => call is ("POST", "/api/2.0/endpoints/", "{\"q\":1}"));
        await MlflowRest.Refused(ajax.Post("gateway-proxy", new { }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Deployments proxy request must specify a gateway_path.");
        var before = platform.GatewayCalls.Count;
        await MlflowRest.Refused(ajax.Post("gateway-proxy", new { gateway_path = "../admin" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "'..'");
        await MlflowRest.Refused(ajax.Post("gateway-proxy", new { gateway_path = "/admin" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "gateway_path");
        Assert.Equal(before, platform.GatewayCalls.Count);
        await MlflowRest.Refused(ajax.Post("gateway-proxy", new { gateway_path = "api/2.0/endpoints/broken" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Deployments proxy request failed with error code 502. Error message: boom");
    }
}
