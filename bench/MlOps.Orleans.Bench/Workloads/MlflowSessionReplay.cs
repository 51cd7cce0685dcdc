using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Sends captured MLflow 3.5 client traffic (tests/MlOps.Orleans.Tests/Mlflow/Fixtures/mlflow-3.5, one file per session
/// step) to a server and compares each answer with MLflow's: the status, the error code, and every field MLflow's answer
/// had. The replay test sends the whole session to this server; the <c>mlflow-log-model</c> bench sends the log_model
/// step to this server and to a real MLflow 3.5, over and over, one replay per session.
/// Ids differ between the servers, so each captured id is mapped to ours the first time an answer shows both, and
/// later requests are rewritten with our ids. Artifact bodies were captured as size and digest only: uploads send that
/// many bytes (an MLmodel gets a minimal Python-only one, so registration behaves as for the real file).
/// </summary>
internal sealed partial class MlflowSessionReplay(HttpClient http)
{
    public static readonly string[] SessionOrder =
        ["setup", "log-model-register", "autolog", "list-artifacts", "load-model", "logged-models-api", "registry-links", "bad-input"];

    /// <summary>An MLmodel of Python-only flavors: registration reads it and marks the version not servable, as for the real file.</summary>
    public const string MinimalMlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\n";

    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    // Creation times of the same models on both servers, to move a filter's time threshold onto our clock.
    private readonly SortedDictionary<long, long> _creationTimes = [];
    private string? _capturedExperiment;
    private string? _ourExperiment;

    [GeneratedRegex("^(m-)?[0-9a-f]{32}$")]
    private static partial Regex IdShape();

    [GeneratedRegex(@"\b1[0-9]{12}\b")]
    private static partial Regex MillisecondTime();

    public static IReadOnlyList<JsonObject> Exchanges(string file) =>
        File.ReadLines(file).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();

    /// <summary>Names the experiment the capture's requests go to (the capture's own experiment is learned otherwise).</summary>
    public void MapExperiment(string captured, string ours)
    {
        _capturedExperiment = captured;
        _ourExperiment = ours;
    }

    /// <summary>Sends one captured request (ids rewritten) and returns our status and body (null when not JSON).</summary>
    public async Task<(int Status, JsonNode? Body, string ContentType)> SendAsync(JsonObject exchange)
    {
        var (status, body, type, _) = await SendTimedAsync(exchange);
        return (status, body, type);
    }

    /// <summary>As <see cref="SendAsync"/>, with the milliseconds from sending the request to having read the answer.</summary>
    public async Task<(int Status, JsonNode? Body, string ContentType, double Milliseconds)> SendTimedAsync(JsonObject exchange)
    {
        var method = (string)exchange["method"]!;
        var path = Rewrite((string)exchange["path"]!, inPath: true);
        var query = exchange["query"] as JsonObject;
        if (query is { Count: > 0 })
            path += "?" + string.Join("&", query.SelectMany(q => (q.Value as JsonArray)?.Select(v => (q.Key, (string)v!)) ?? [(q.Key, q.Value!.ToString())])
                .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Key == "experiment_id" ? Experiment(JsonValue.Create(q.Item2)).ToString() : Rewrite(q.Item2, inPath: q.Key == "path"))}"));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        var body = exchange["request_body"];
        if (body is JsonObject { Count: 2 } digest && digest["bytes"] is not null && digest["sha256"] is not null)
        {
            var size = (int)digest["bytes"]!;
            var bytes = path.EndsWith("/MLmodel", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(MinimalMlmodel) : Enumerable.Range(0, size).Select(i => (byte)(i % 251)).ToArray();
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }
        else if (body is not null)
        {
            request.Content = new StringContent(RewriteJson(body).ToJsonString(), Encoding.UTF8, (string?)exchange["request_content_type"] ?? "application/json");
        }
        var sent = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        JsonNode? parsed = null;
        if (type.Contains("json", StringComparison.Ordinal) && text.Length > 0) parsed = JsonNode.Parse(text);
        return ((int)response.StatusCode, parsed, type, elapsed);
    }

    /// <summary>Learns id pairs from a captured answer and ours (same shape), then lists the captured fields ours lacks.</summary>
    public List<string> Compare(JsonNode? captured, JsonNode? ours)
    {
        var missing = new List<string>();
        Walk(captured, ours, "", missing);
        return missing;
    }

    private void Walk(JsonNode? captured, JsonNode? ours, string at, List<string> missing)
    {
        switch (captured)
        {
            case JsonObject c:
                if (ours is not JsonObject o) { missing.Add(at.Length == 0 ? "(body)" : at); return; }
                foreach (var (key, value) in c)
                {
                    if (!o.ContainsKey(key)) { missing.Add($"{at}.{key}"); continue; }
                    if (key == "creation_timestamp_ms" && value is JsonValue && o[key] is JsonValue)
                        _creationTimes.TryAdd((long)value, (long)o[key]!);
                    // Page tokens are each server's own: ours replaces MLflow's in the request that sends it back.
                    if (key == "next_page_token" && value is JsonValue && o[key] is JsonValue) _ids.TryAdd(value.ToString(), o[key]!.ToString());
                    if (key == "experiment_id" && value is JsonValue && o[key] is JsonValue)
                    {
                        _capturedExperiment ??= value.ToString();
                        if (value.ToString() == _capturedExperiment) _ourExperiment ??= o[key]!.ToString();
                    }
                    Walk(value, o[key], $"{at}.{key}", missing);
                }
                break;
            case JsonArray ca:
                if (ours is not JsonArray oa) { missing.Add(at); return; }
                for (var i = 0; i < Math.Min(ca.Count, oa.Count); i++) Walk(ca[i], Counterpart(ca[i], oa, i), $"{at}[{i}]", missing);
                break;
            case JsonValue cv when cv.TryGetValue<string>(out var text) && IdShape().IsMatch(text):
                if (ours is JsonValue ov && ov.TryGetValue<string>(out var mine) && IdShape().IsMatch(mine)) _ids.TryAdd(text, mine);
                break;
        }
    }

    /// <summary>
    /// The element of ours to compare with a captured one: by position, except entries with a key (metrics, params,
    /// tags), matched by key and dataset, since neither server promises an order for them.
    /// </summary>
    private static JsonNode? Counterpart(JsonNode? captured, JsonArray ours, int index)
    {
        if (captured is not JsonObject c || c["key"] is null) return ours[index];
        return ours.FirstOrDefault(o => o is JsonObject x && (string?)x["key"] == (string?)c["key"] && (string?)x["dataset_name"] == (string?)c["dataset_name"]
            && (string?)x["step"]?.ToString() == (string?)c["step"]?.ToString()) ?? ours[index];
    }

    private JsonNode RewriteJson(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                {
                    if (value is null) { copy[key] = null; continue; }
                    copy[key] = key switch
                    {
                        "experiment_id" or "experiment_ids" => Experiment(value),
                        "filter" when value.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(MillisecondTime().Replace(Rewrite(value.ToString(), inPath: false), m => OurTime(long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)))),
                        _ => RewriteJson(value),
                    };
                }
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(v => v is null ? null : RewriteJson(v)).ToArray());
            default:
                return node.GetValueKind() == System.Text.Json.JsonValueKind.String ? JsonValue.Create(Rewrite(node.ToString(), inPath: false)) : node.DeepClone();
        }
    }

    /// <summary>
    /// A captured time threshold on our clock: between our creation times of the models created just before and just
    /// after it in the capture, so a filter on it selects the same models.
    /// </summary>
    private string OurTime(long captured)
    {
        var before = _creationTimes.Where(p => p.Key <= captured).Select(p => (long?)p.Value).LastOrDefault();
        var after = _creationTimes.Where(p => p.Key > captured).Select(p => (long?)p.Value).FirstOrDefault();
        var ours = (before, after) switch
        {
            ({ } b, { } a) => (b + a) / 2,
            ({ } b, null) => b,
            (null, { } a) => a - 1,
            _ => captured,
        };
        return ours.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private JsonNode Experiment(JsonNode value) => value switch
    {
        JsonArray a => new JsonArray(a.Select(v => v is null ? null : Experiment(v)).ToArray()),
        _ => JsonValue.Create(value.ToString() == _capturedExperiment && _ourExperiment is not null ? _ourExperiment : value.ToString()),
    };

    /// <summary>Captured ids become ours; the experiment id only where it is one (a path's or a URI's first segment).</summary>
    private string Rewrite(string text, bool inPath)
    {
        foreach (var (captured, ours) in _ids.OrderByDescending(p => p.Key.Length)) text = text.Replace(captured, ours, StringComparison.Ordinal);
        if (_capturedExperiment is null || _ourExperiment is null) return text;
        text = text.Replace($"mlflow-artifacts:/{_capturedExperiment}/", $"mlflow-artifacts:/{_ourExperiment}/", StringComparison.Ordinal)
            .Replace($"/mlflow-artifacts/artifacts/{_capturedExperiment}/", $"/mlflow-artifacts/artifacts/{_ourExperiment}/", StringComparison.Ordinal);
        if (inPath && text.StartsWith(_capturedExperiment + "/", StringComparison.Ordinal)) text = _ourExperiment + text[_capturedExperiment.Length..];
        return text;
    }
}
