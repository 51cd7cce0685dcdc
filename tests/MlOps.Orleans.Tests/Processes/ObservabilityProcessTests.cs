using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;
using Api = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>
/// The observability port of a real silo (src/Silo, default settings but the ports): the Prometheus scrape shows the
/// platform's instruments after real requests, the dashboard is served there, the HTTP and gRPC ports serve neither (a Host
/// header naming the observability port changes nothing), the observability port serves no API, a log line written during a
/// request carries that request's trace id, and a non-loopback observability address stops the start.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Process)]
public sealed class ObservabilityProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public Task Metrics_and_dashboard_answer_on_the_observability_port_only_and_logs_carry_the_trace_id() => _scope.RunAsync(async () =>
    {
        // Exits while settings are read, so it runs beside the real start.
        var refused = RefusedAsync("refused-address", new() { ["Mlops__Observability__Address"] = "10.0.0.7" });
        var ports = PlatformPorts.Allocate();
        // The dashboard is opt-in (it costs an idle silo CPU), so this silo asks for it.
        var silo = await _scope.StartAsync(PlatformApp.Silo, "silo", ports, ["--data-dir", _scope.CreateDirectory("data")],
            new Dictionary<string, string> { ["Mlops__Observability__Dashboard"] = "true" });
        using var api = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = Deadline };
        using var observability = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Observability.ToString(CultureInfo.InvariantCulture)}/"), Timeout = Deadline };

        // Requests of each protocol, two of them refused, and one that logs a warning under a trace id of our choosing.
        var experimentId = (await PostAsync(api, "api/2.0/mlflow/experiments/create", new { name = $"otel-{Guid.NewGuid():N}" })).GetProperty("experiment_id").GetString()!;
        var runId = (await PostAsync(api, "api/2.0/mlflow/runs/create", new { experiment_id = experimentId })).GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        using (var missing = await api.GetAsync(new Uri("api/2.0/mlflow/runs/get?run_id=" + new string('0', 32), UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var channel = silo.CreateChannel();
        var tracking = new Api.TrackingService.TrackingServiceClient(channel);
        await TrackingCalls.CreateExperimentAsync(tracking, "otel-grpc");
        var notFound = await Assert.ThrowsAsync<RpcException>(async () =>
            await tracking.GetRunAsync(new Api.GetRunRequest { RunId = new string('1', 32) }, deadline: TrackingCalls.Deadline));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var truncated = new HttpRequestMessage(HttpMethod.Post, "api/2.0/mlflow/runs/log-parameter")
               {
                   Content = JsonContent.Create(new { run_id = runId, key = "long", value = new string('x', 7000) }),
               })
        {
            truncated.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var logged = await api.SendAsync(truncated);
            Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        }

        var scrape = await ScrapeUntilAsync(observability, text =>
            Sum(text, "mlops_errors_total", "protocol=\"grpc\"", "code=\"NotFound\"") >= 1 &&
            Sum(text, "mlops_stage_handler_milliseconds_count", "protocol=\"grpc\"") >= 2);
        Assert.True(Sum(scrape, "http_server_request_duration_seconds_count", "http_route=\"/api/2.0/mlflow/experiments/create\"") >= 1, Excerpt(scrape, "http_server_request_duration_seconds_count"));
        Assert.True(Sum(scrape, "mlops_stage_handler_milliseconds_count", "protocol=\"mlflow\"") >= 3, Excerpt(scrape, "mlops_stage_handler"));
        Assert.True(Sum(scrape, "mlops_errors_total", "protocol=\"mlflow\"", "code=\"RESOURCE_DOES_NOT_EXIST\"") >= 1, Excerpt(scrape, "mlops_errors"));
        var commits = Sum(scrape, "mlops_catalog_commit_writes_count", "backend=\"sqlite\"");
        Assert.True(commits >= 1 && Sum(scrape, "mlops_catalog_commit_writes_sum", "backend=\"sqlite\"") >= commits, Excerpt(scrape, "mlops_catalog"));
        Assert.Contains("mlops_catalog_write_queue_depth{", scrape, StringComparison.Ordinal);
        Assert.True(Sum(scrape, "mlops_stage_commit_milliseconds_count", "backend=\"sqlite\"") >= 1, Excerpt(scrape, "mlops_stage_commit"));
        Assert.Contains("otel_scope_name=\"Microsoft.Orleans\"", scrape, StringComparison.Ordinal);

        // The dashboard is served on the observability port; neither it nor the scrape on the API port, whatever the Host header says.
        using (var page = await observability.GetAsync(new Uri("dashboard/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        using (var version = await observability.GetAsync(new Uri("dashboard/version", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        foreach (var path in new[] { "metrics", "dashboard/", "dashboard/version" })
        {
            using var plain = await api.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, path);
            spoofed.Headers.Host = $"127.0.0.1:{ports.Observability.ToString(CultureInfo.InvariantCulture)}";
            using var answer = await api.SendAsync(spoofed);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
        // The gRPC port (HTTP/2 only) refuses them too.
        using var grpcPort = new HttpClient
        {
            BaseAddress = silo.GrpcAddress, Timeout = Deadline,
            DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var path in new[] { "metrics", "dashboard/" })
        {
            using var answer = await grpcPort.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
        // And the observability port answers no API.
        foreach (var path in new[] { "health/ready", "api/2.0/mlflow/experiments/search" })
        {
            using var answer = await observability.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }

        // The truncation warning was logged inside the request, so its scope carries the trace id the caller sent.
        await PollAsync(() => silo.Output.Contains($"TraceId:{traceId}", StringComparison.Ordinal), "a log line with the request's trace id");
        var lines = silo.Output.Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains($"TraceId:{traceId}", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(at).Take(3), l => l.Contains("Truncated param 'long'", StringComparison.Ordinal));

        var refusal = await refused;
        Assert.Contains("Mlops:Observability:Address 10.0.0.7 is not a loopback address", refusal, StringComparison.Ordinal);
        Assert.Contains("Mlops:Observability:AllowClusterAddress=true", refusal, StringComparison.Ordinal);
    });

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (the exporter caches an answer briefly), or fails with the last scrape.</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient observability, Func<string, bool> done)
    {
        var clock = Stopwatch.StartNew();
        var text = "";
        while (clock.Elapsed < Deadline)
        {
            using var response = await observability.GetAsync(new Uri("metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            if (done(text)) return text;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the scrape did not show the expected values within {Deadline.TotalSeconds:F0} s:\n{Excerpt(text, "mlops_")}");
    }

    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline) throw new TimeoutException($"no {what} within {Deadline.TotalSeconds:F0} s");
            await Task.Delay(50);
        }
    }

    /// <summary>The sum of every sample of <paramref name="metric"/> whose labels contain all of <paramref name="labels"/>.</summary>
    private static double Sum(string scrape, string metric, params string[] labels) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(x => l.Contains(x, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static string Excerpt(string scrape, string prefix) =>
        string.Join('\n', scrape.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Take(40));

    /// <summary>Starts an embedded silo that must exit by itself before listening; its output.</summary>
    private async Task<string> RefusedAsync(string name, Dictionary<string, string> environment)
    {
        await using var silo = PlatformProcess.Start(PlatformApp.Silo, name, PlatformPorts.Allocate(),
            ["--data-dir", _scope.CreateDirectory("data-" + name)], environment, _scope.CreateDirectory("cwd-" + name));
        var exitCode = await silo.WaitForExitAsync(Deadline);
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("Now listening on", silo.Output, StringComparison.Ordinal);
        return silo.Output;
    }
}
