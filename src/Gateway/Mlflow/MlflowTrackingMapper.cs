using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>Tracking records in MLflow's JSON shapes.</summary>
internal static class MlflowTrackingMapper
{
    public static object Experiment(ExperimentInfo e) => new
    {
        experiment_id = e.ExperimentId,
        name = e.Name,
        artifact_location = e.ArtifactLocation,
        lifecycle_stage = Stage(e.LifecycleStage),
        creation_time = e.CreationTime,
        last_update_time = e.LastUpdateTime,
        tags = MlflowResults.NonEmpty(e.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new { key = t.Key, value = t.Value })),
    };

    public static object RunInfo(RunInfo i) => new
    {
        run_id = i.RunId,
        run_uuid = i.RunId,
        run_name = i.RunName,
        experiment_id = i.ExperimentId,
        user_id = i.UserId,
        status = Status(i.Status),
        start_time = i.StartTime,
        end_time = i.EndTime,
        artifact_uri = i.ArtifactUri,
        lifecycle_stage = Stage(i.LifecycleStage),
    };

    public static object Run(RunSnapshot s) => new
    {
        info = RunInfo(s.Info),
        data = new
        {
            metrics = MlflowResults.NonEmpty(s.LatestMetrics.Select(Metric)),
            @params = MlflowResults.NonEmpty(s.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new { key = p.Key, value = p.Value })),
            tags = MlflowResults.NonEmpty(s.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new { key = t.Key, value = t.Value })),
        },
        inputs = new
        {
            dataset_inputs = MlflowResults.NonEmpty(s.Inputs.Select(d => new
            {
                tags = MlflowResults.NonEmpty(d.Tags.Select(t => new { key = t.Key, value = t.Value })),
                dataset = new { name = d.Name, digest = d.Digest, source_type = d.SourceType, source = d.Source, schema = d.Schema, profile = d.Profile },
            })),
            model_inputs = MlflowLoggedModelMapper.Inputs(s),
        },
        // MLflow 3 always answers an outputs object, empty when the run produced no model.
        outputs = new { model_outputs = MlflowLoggedModelMapper.Outputs(s) },
    };

    public static object Metric(MetricPoint m) => new { key = m.Key, value = m.Value, timestamp = m.Timestamp, step = m.Step };

    public static string Stage(LifecycleStage s) => s == LifecycleStage.Active ? "active" : "deleted";

    public static string Status(RunStatus s) => s.ToString().ToUpperInvariant();

    public static RunStatus? ParseStatus(string? s) => s switch
    {
        null or "" => null,
        "RUNNING" => RunStatus.Running,
        "SCHEDULED" => RunStatus.Scheduled,
        "FINISHED" => RunStatus.Finished,
        "FAILED" => RunStatus.Failed,
        "KILLED" => RunStatus.Killed,
        _ => throw MlopsException.Invalid("status", $"Invalid value '{s}' for parameter 'status': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED"),
    };

    public static ViewType ParseViewType(string? s, string field) => s switch
    {
        null or "" or "ACTIVE_ONLY" or "1" => ViewType.ActiveOnly,
        "DELETED_ONLY" or "2" => ViewType.DeletedOnly,
        "ALL" or "3" => ViewType.All,
        _ => throw MlopsException.Invalid(field, $"Invalid value '{s}' for parameter '{field}': expected ACTIVE_ONLY, DELETED_ONLY or ALL"),
    };
}
