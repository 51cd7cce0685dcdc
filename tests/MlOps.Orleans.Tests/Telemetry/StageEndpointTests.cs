using System.Net;
using System.Text;
using System.Text.Json;
using MlOps.Orleans.Contracts.Telemetry;
using MlOps.Orleans.Tests.Features.Online.Retrieval;
using MlOps.Orleans.Tests.Infrastructure;
using Feat = MlOps.Orleans.Protos.Features.V1;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Telemetry;

/// <summary>GET /debug/stages on a real platform: every stage shows up after real calls; absent without diagnostics.</summary>
[Trait("Category", Category.Platform)]
public sealed class StageEndpointTests(StagesPlatformFixture enabled, SqlitePlatformFixture disabled)
    : IClassFixture<StagesPlatformFixture>, IClassFixture<SqlitePlatformFixture>
{
    [Fact]
    public async Task Stages_report_handler_grain_store_commit_and_online_shard_reads()
    {
        // MLflow REST: handler (HTTP), grain call, store write, SQLite commit.
        using (var created = await PostAsync(enabled.Http, "/api/2.0/mlflow/experiments/create", $$"""{"name": "stages-{{Guid.NewGuid():N}}"}"""))
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        // gRPC: handler (grpc).
        await enabled.Tracking.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = "stages-grpc-" + Guid.NewGuid().ToString("N") });
        // Online: the first read misses memory and reads the store through the shard grain, the second is served locally.
        var repo = OnlineRepo.New();
        var apply = new Feat.ApplyRequest();
        apply.Files.Add(new Feat.RepositoryFile { Path = "online.yaml", Content = repo.Yaml });
        await new Feat.FeatureStoreService.FeatureStoreServiceClient(enabled.Channel).ApplyAsync(apply);
        var read = $$$"""{"features": ["{{{repo.Stats}}}:conv_rate"], "entities": {"driver_id": [4242]}}""";
        for (var i = 0; i < 2; i++)
        {
            using var response = await PostAsync(enabled.Http, "/get-online-features", read);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var answer = await enabled.Http.GetAsync(new Uri("/debug/stages", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal(Stages.MeterName, root.GetProperty("meter").GetString());
        Assert.Equal("embedded", root.GetProperty("process").GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("process").GetProperty("silo").GetString()));
        Assert.Equal(LogBuckets.Count, root.GetProperty("bucket_layout").GetProperty("count").GetInt32());
        var stages = root.GetProperty("stages").EnumerateArray().Select(s => (
            Stage: s.GetProperty("stage").GetString()!,
            Tags: s.GetProperty("tags").EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString()),
            Count: s.GetProperty("count").GetInt64(),
            Buckets: s.GetProperty("buckets").EnumerateArray().Sum(b => b[1].GetInt64()))).ToList();

        Assert.All(stages, s => Assert.Equal(s.Count, s.Buckets));
        Assert.Contains(stages, s => s.Stage == "handler" && s.Tags["protocol"] == "mlflow" && s.Tags["route"] == "/api/2.0/mlflow/experiments/create" && s.Tags["method"] == "POST");
        Assert.Contains(stages, s => s.Stage == "handler" && s.Tags["protocol"] == "feast" && s.Tags["route"] == "/get-online-features");
        Assert.Contains(stages, s => s.Stage == "handler" && s.Tags["protocol"] == "grpc" && s.Tags["route"]!.EndsWith("/CreateExperiment", StringComparison.Ordinal) && s.Tags["outcome"] == "ok");
        Assert.Contains(stages, s => s.Stage == "grain_call" && s.Tags["grain"] == "IExperimentGrain.Create");
        // Orleans' own grains (timers, stream queues) are left out: they would drown the platform's calls.
        Assert.DoesNotContain(stages, s => s.Stage == "grain_call" && s.Tags["grain"]!.Contains("MemoryStreamQueue", StringComparison.Ordinal));
        Assert.Contains(stages, s => s.Stage == "store" && s.Tags["backend"] == "sqlite" && s.Tags["kind"] == "write");
        Assert.Contains(stages, s => s.Stage == "store" && s.Tags["kind"] == "read");
        Assert.Contains(stages, s => s.Stage == "commit" && s.Tags["backend"] == "sqlite");
        Assert.Contains(stages, s => s.Stage == "online_shard_read" && s.Tags["path"] == "read_through");
        Assert.Contains(stages, s => s.Stage == "online_shard_read" && s.Tags["path"] == "store");
        Assert.Contains(stages, s => s.Stage == "online_shard_read" && s.Tags["path"] == "local");
        // Reading the figures is not itself timed.
        Assert.DoesNotContain(stages, s => s.Stage == "handler" && s.Tags.TryGetValue("route", out var r) && r!.StartsWith("/debug", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_diagnostics_the_endpoint_answers_404_in_the_diagnostics_shape()
    {
        using var response = await disabled.Http.GetAsync(new Uri("/debug/stages", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("error").GetString()));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string json) =>
        http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
}
