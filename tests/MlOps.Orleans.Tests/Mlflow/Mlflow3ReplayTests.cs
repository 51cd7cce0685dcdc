using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Workloads;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Mlflow;

/// <summary>
/// A real MLflow 3.5 client session (log_model with registration, autolog, list_artifacts with a path, loads by id,
/// version and alias, the logged-model API, registry links, bad input), replayed request by request against this
/// server: every answer has MLflow's status, error code and fields, except where this server is stricter or saner on
/// purpose (listed in <see cref="Deviations"/> with the reason).
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class Mlflow3ReplayTests(SqlitePlatformFixture platform) : IClassFixture<SqlitePlatformFixture>
{
    /// <summary>(file, seq) → the status and error code this server answers instead, and why.</summary>
    private static readonly Dictionary<(string, int), (int Status, string? Code, string Why)> Deviations = new()
    {
        [("bad-input", 10)] = (200, null, "params: the path names the model; 3.5 also wants it in the body"),
        [("bad-input", 16)] = (400, "INVALID_PARAMETER_VALUE", "a non-numeric metric value is the client's error, not a 500"),
        [("bad-input", 19)] = (400, "INVALID_PARAMETER_VALUE", "an unknown attribute is the client's error, named, not a 500"),
        [("bad-input", 22)] = (400, "INVALID_PARAMETER_VALUE", "a page token that does not decode is refused, not an HTML 500"),
        [("bad-input", 30)] = (400, "INVALID_PARAMETER_VALUE", "an 8,001-character logged-model tag value is refused (3.5 checks none)"),
        [("bad-input", 31)] = (400, "INVALID_PARAMETER_VALUE", "a 251-character logged-model tag key is refused (3.5 checks none)"),
        [("bad-input", 34)] = (404, "RESOURCE_DOES_NOT_EXIST", "runs/outputs checks that the model exists"),
        [("bad-input", 37)] = (404, "RESOURCE_DOES_NOT_EXIST", "runs/log-inputs checks that the model exists"),
        [("bad-input", 40)] = (404, "RESOURCE_DOES_NOT_EXIST", "an unknown logged model in a source is a 404, not a 500"),
        [("bad-input", 43)] = (404, "ENDPOINT_NOT_FOUND", "traces are out of scope (docs/mlflow-compatibility.md)"),
        [("bad-input", 44)] = (404, "ENDPOINT_NOT_FOUND", "traces are out of scope (docs/mlflow-compatibility.md)"),
    };

    /// <summary>Answers whose fields differ only because an earlier request was refused on purpose (see above).</summary>
    private static readonly HashSet<(string, int)> FieldsFollowADeviation = [("bad-input", 46)];

    [SkippableFact]
    public async Task Captured_mlflow_3_5_session_gets_mlflow_answers()
    {
        var replay = new MlflowSessionReplay(platform.Http);
        var failures = new List<string>();
        foreach (var step in MlflowSessionReplay.SessionOrder)
        {
            foreach (var exchange in MlflowSessionReplay.Exchanges(Path.Combine(AppContext.BaseDirectory, "Mlflow", "Fixtures", "mlflow-3.5", step + ".jsonl")))
            {
                var seq = (int)exchange["seq"]!;
                var label = $"{step}#{seq} {exchange["method"]} {exchange["path"]}";
                var (status, body, _) = await replay.SendAsync(exchange);
                var expectedStatus = (int)exchange["status"]!;
                var expectedCode = (string?)(exchange["response_body"] as JsonObject)?["error_code"];
                if (Deviations.TryGetValue((step, seq), out var deviation)) (expectedStatus, expectedCode) = (deviation.Status, deviation.Code);
                var code = (string?)(body as JsonObject)?["error_code"];
                if (status != expectedStatus || code != expectedCode)
                {
                    failures.Add($"{label}: expected {expectedStatus} {expectedCode}, got {status} {code}: {Clip(body)}");
                    continue;
                }
                if (deviation.Why is null && !FieldsFollowADeviation.Contains((step, seq)) && status == 200 && exchange["response_body"] is JsonObject captured && captured["bytes"] is null && !IsArtifactRead(exchange))
                {
                    var missing = replay.Compare(captured, body);
                    if (missing.Count > 0) failures.Add($"{label}: fields missing from our answer: {string.Join(", ", missing.Take(8))} in {Clip(body)}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Clip(JsonNode? body) => body?.ToJsonString() is { } text ? text[..Math.Min(1500, text.Length)] : "(no JSON)";

    // Downloads of JSON artifacts were parsed in the capture; their bytes were ours to choose here.
    private static bool IsArtifactRead(JsonObject exchange) =>
        ((string)exchange["path"]!).Contains("/mlflow-artifacts/artifacts/", StringComparison.Ordinal) && (string)exchange["method"]! == "GET";
}
