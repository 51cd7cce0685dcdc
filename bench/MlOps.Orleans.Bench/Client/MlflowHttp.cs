using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// MLflow REST the way a Python training script's client talks to it: HTTP/1.1, JSON bodies, one kept-alive connection
/// per client process (<c>MaxConnectionsPerServer = 1</c>: a second request of the same client waits for the first).
/// </summary>
internal static class MlflowHttp
{
    public const string Api = "/api/2.0/mlflow/";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpClient Open(Uri http) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    })
    {
        BaseAddress = http,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>POSTs a JSON body to an MLflow route; a non-2xx answer throws with its status and MLflow error.</summary>
    public static async Task<byte[]> PostAsync(HttpClient http, string route, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        using var response = await http.PostAsync(Api + route, content, ct);
        var answer = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var text = Encoding.UTF8.GetString(answer);
            throw new HttpRequestException($"{(int)response.StatusCode} from {route}: {(text.Length > 200 ? text[..200] : text)}", null, response.StatusCode);
        }
        return answer;
    }

    public static async Task<JsonNode> PostAsync(HttpClient http, string route, JsonObject body, CancellationToken ct) =>
        JsonNode.Parse(await PostAsync(http, route, Encoding.UTF8.GetBytes(body.ToJsonString()), ct)) ?? new JsonObject();

    public static async Task<string> ExperimentAsync(HttpClient http, string purpose, CancellationToken ct) =>
        (string)(await PostAsync(http, "experiments/create",
            new JsonObject { ["name"] = $"bench-{purpose}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}" }, ct))["experiment_id"]!;

    /// <summary>POSTs prepared <c>experiments/create</c> bytes; the new experiment's id.</summary>
    public static async Task<string> CreateExperimentAsync(HttpClient http, ReadOnlyMemory<byte> body, CancellationToken ct) =>
        (string)(JsonNode.Parse(await PostAsync(http, "experiments/create", body, ct)) ?? new JsonObject())["experiment_id"]!;

    /// <summary>POSTs prepared <c>runs/create</c> bytes; the new run's id.</summary>
    public static async Task<string> CreateRunAsync(HttpClient http, ReadOnlyMemory<byte> body, CancellationToken ct) =>
        (string)(JsonNode.Parse(await PostAsync(http, "runs/create", body, ct)) ?? new JsonObject())["run"]!["info"]!["run_id"]!;

    public static async Task<string[]> RunsAsync(HttpClient http, string experimentId, int count, CancellationToken ct)
    {
        var runs = new string[count];
        for (var i = 0; i < count; i++)
        {
            var created = await PostAsync(http, "runs/create", new JsonObject
            {
                ["experiment_id"] = experimentId, ["run_name"] = $"bench-{i}", ["start_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            }, ct);
            runs[i] = (string)created["run"]!["info"]!["run_id"]!;
        }
        return runs;
    }
}

/// <summary>
/// A reusable log-batch body: <see cref="Payloads.KeysPerBatch"/> keys × count/keys fresh steps, the shape of
/// <see cref="Payloads.Points"/>, written straight to UTF-8 so the 2-core machine's CPU goes to the server, not to
/// building requests.
/// </summary>
internal sealed class MlflowBatchBody : IDisposable
{
    private static readonly JsonEncodedText[] Keys = Enumerable.Range(0, Payloads.KeysPerBatch).Select(i => JsonEncodedText.Encode($"train/metric_{i}")).ToArray();
    private readonly ArrayBufferWriter<byte> _buffer = new(128 * 1024);
    private readonly Utf8JsonWriter _json;

    public MlflowBatchBody() => _json = new Utf8JsonWriter(_buffer);

    /// <summary>The body; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Write(string runId, long firstStep, int count, long timestamp, Random random)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("run_id", runId);
        _json.WriteStartArray("metrics");
        var steps = count / Payloads.KeysPerBatch;
        for (var s = 0; s < steps; s++)
        {
            for (var k = 0; k < Payloads.KeysPerBatch; k++)
            {
                _json.WriteStartObject();
                _json.WriteString("key", Keys[k]);
                _json.WriteNumber("value", random.NextDouble());
                _json.WriteNumber("timestamp", timestamp);
                _json.WriteNumber("step", firstStep + s);
                _json.WriteEndObject();
            }
        }
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _json.Dispose();
}
