using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>Logged models in MLflow 3's JSON shapes (LoggedModel, LoggedModelStatus by name).</summary>
internal static class MlflowLoggedModelMapper
{
    public static object Model(LoggedModelInfo m) => new
    {
        info = new
        {
            model_id = m.ModelId,
            experiment_id = m.ExperimentId,
            name = m.Name,
            creation_timestamp_ms = m.CreationTime,
            last_updated_timestamp_ms = m.LastUpdatedTime,
            artifact_uri = m.ArtifactUri,
            status = Status(m.Status),
            // 3.5 answers "" for a type or run the create request did not give.
            model_type = m.ModelType ?? "",
            source_run_id = m.SourceRunId ?? "",
            status_message = m.StatusMessage,
            tags = MlflowResults.NonEmpty(m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new { key = t.Key, value = t.Value })),
        },
        data = new
        {
            @params = MlflowResults.NonEmpty(m.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new { key = p.Key, value = p.Value })),
            metrics = MlflowResults.NonEmpty(m.Metrics.Select(x => new
            {
                key = x.Key,
                value = x.Value,
                timestamp = x.Timestamp,
                step = x.Step,
                dataset_name = x.DatasetName.Length == 0 ? null : x.DatasetName,
                dataset_digest = x.DatasetDigest.Length == 0 ? null : x.DatasetDigest,
                model_id = m.ModelId,
                run_id = x.RunId,
            })),
        },
    };

    public static string Status(LoggedModelStatus s) => s switch
    {
        LoggedModelStatus.Pending => "LOGGED_MODEL_PENDING",
        LoggedModelStatus.Ready => "LOGGED_MODEL_READY",
        LoggedModelStatus.Failed => "LOGGED_MODEL_UPLOAD_FAILED",
        _ => "LOGGED_MODEL_STATUS_UNSPECIFIED",
    };

    public static LoggedModelStatus ParseStatus(string? s) => s switch
    {
        null or "" => throw MlopsException.Invalid("status", "Missing value for required parameter 'status'."),
        "LOGGED_MODEL_PENDING" => LoggedModelStatus.Pending,
        "LOGGED_MODEL_READY" => LoggedModelStatus.Ready,
        "LOGGED_MODEL_UPLOAD_FAILED" => LoggedModelStatus.Failed,
        _ => throw MlopsException.Invalid("status", $"Invalid value \"{s}\" for parameter 'status': expected LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED"),
    };

    /// <summary>A run's model links as <c>run.outputs.model_outputs</c> or <c>run.inputs.model_inputs</c>.</summary>
    public static IReadOnlyList<object>? Outputs(RunSnapshot s) =>
        MlflowResults.NonEmpty(s.Models.Where(l => l.IsOutput).Select(l => (object)new { model_id = l.ModelId, step = l.Step ?? 0 }));

    public static IReadOnlyList<object>? Inputs(RunSnapshot s) =>
        MlflowResults.NonEmpty(s.Models.Where(l => !l.IsOutput).Select(l => (object)new { model_id = l.ModelId }));
}
