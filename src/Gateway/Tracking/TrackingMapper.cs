using Google.Protobuf.Collections;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Gateway.Tracking;

/// <summary>Protobuf messages to grain contracts and back; no logic beyond the mapping.</summary>
internal static class TrackingMapper
{
    public const string SourceNameTag = "mlflow.source.name";
    public const string SourceTypeTag = "mlflow.source.type";
    public const string GitCommitTag = "mlflow.source.git.commit";
    public const string GitRepoTag = "mlflow.source.git.repoURL";

    public static Wire.LoggedModel ToProto(LoggedModelInfo m)
    {
        var result = new Wire.LoggedModel
        {
            ModelId = m.ModelId, ExperimentId = m.ExperimentId, Name = m.Name, SourceRunId = m.SourceRunId ?? "", ModelType = m.ModelType ?? "",
            Status = (Wire.LoggedModelStatus)(int)m.Status, ArtifactUri = m.ArtifactUri, CreationTime = m.CreationTime, LastUpdatedTime = m.LastUpdatedTime,
        };
        result.Params.AddRange(m.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new Wire.Param { Key = p.Key, Value = p.Value }));
        result.Tags.AddRange(m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Wire.Tag { Key = t.Key, Value = t.Value }));
        return result;
    }

    public static Wire.Experiment ToProto(ExperimentInfo e)
    {
        var result = new Wire.Experiment
        {
            ExperimentId = e.ExperimentId,
            Name = e.Name,
            ArtifactLocation = e.ArtifactLocation,
            LifecycleStage = ToProto(e.LifecycleStage),
            CreationTime = e.CreationTime,
            LastUpdateTime = e.LastUpdateTime,
        };
        result.Tags.AddRange(e.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Wire.Tag { Key = t.Key, Value = t.Value }));
        return result;
    }

    public static Wire.RunInfo ToProto(RunInfo i, IReadOnlyDictionary<string, string> tags)
    {
        var result = new Wire.RunInfo
        {
            RunId = i.RunId,
            ExperimentId = i.ExperimentId,
            RunName = i.RunName,
            UserId = i.UserId,
            Status = (Wire.RunStatus)(int)i.Status,
            StartTime = i.StartTime,
            ArtifactUri = i.ArtifactUri,
            LifecycleStage = ToProto(i.LifecycleStage),
            ParentRunId = i.ParentRunId ?? "",
        };
        if (i.EndTime is { } end) result.EndTime = end;
        // The code version lives in MLflow's source tags, so both protocols see the same thing.
        if (tags.ContainsKey(SourceNameTag) || tags.ContainsKey(GitCommitTag))
        {
            result.CodeVersion = new Wire.CodeVersion
            {
                SourceName = tags.GetValueOrDefault(SourceNameTag) ?? "",
                SourceType = tags.GetValueOrDefault(SourceTypeTag) ?? "",
                GitCommit = tags.GetValueOrDefault(GitCommitTag) ?? "",
                GitRepoUrl = tags.GetValueOrDefault(GitRepoTag) ?? "",
            };
        }
        return result;
    }

    public static Wire.Run ToProto(RunSnapshot s)
    {
        var run = new Wire.Run { Info = ToProto(s.Info, s.Tags) };
        run.Metrics.AddRange(s.LatestMetrics.Select(ToProto));
        run.Params.AddRange(s.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new Wire.Param { Key = p.Key, Value = p.Value }));
        run.Tags.AddRange(s.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Wire.Tag { Key = t.Key, Value = t.Value }));
        run.Inputs.AddRange(s.Inputs.Select(ToProto));
        return run;
    }

    public static Wire.Metric ToProto(MetricPoint m) => new() { Key = m.Key, Value = m.Value, Timestamp = m.Timestamp, Step = m.Step };

    public static MetricPoint FromProto(Wire.Metric? m, string field)
    {
        if (m is null) throw MlopsException.Invalid(field, $"{field} is required");
        return new MetricPoint(m.Key, m.Value, m.Timestamp == 0 ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : m.Timestamp, m.Step);
    }

    public static List<MetricPoint> FromProto(RepeatedField<Wire.Metric> metrics)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = new List<MetricPoint>(metrics.Count);
        foreach (var m in metrics) result.Add(new MetricPoint(m.Key, m.Value, m.Timestamp == 0 ? now : m.Timestamp, m.Step));
        return result;
    }

    public static Wire.DatasetInput ToProto(DatasetInput d)
    {
        var result = new Wire.DatasetInput
        {
            Dataset = new Wire.Dataset { Name = d.Name, Digest = d.Digest, SourceType = d.SourceType, Source = d.Source, Schema = d.Schema, Profile = d.Profile },
        };
        result.Tags.AddRange(d.Tags.Select(t => new Wire.Tag { Key = t.Key, Value = t.Value }));
        return result;
    }

    public static DatasetInput FromProto(Wire.DatasetInput d, int index)
    {
        var ds = d.Dataset ?? throw MlopsException.Invalid($"datasets[{index}].dataset", $"datasets[{index}].dataset is required");
        return new DatasetInput(ds.Name, ds.Digest, ds.SourceType, ds.Source, ds.Schema, ds.Profile, Tags(d.Tags, $"datasets[{index}].tags"));
    }

    public static Dictionary<string, string> Tags(RepeatedField<Wire.Tag> tags, string field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < tags.Count; i++)
        {
            if (result.ContainsKey(tags[i].Key)) throw MlopsException.Invalid($"{field}[{i}]", $"tag '{tags[i].Key}' appears twice in {field}");
            result[tags[i].Key] = tags[i].Value;
        }
        return result;
    }

    public static List<KeyValuePair<string, string>> Pairs(IEnumerable<(string Key, string Value)> items) =>
        items.Select(i => KeyValuePair.Create(i.Key, i.Value)).ToList();

    public static Wire.LifecycleStage ToProto(LifecycleStage s) => s == LifecycleStage.Active ? Wire.LifecycleStage.Active : Wire.LifecycleStage.Deleted;

    public static ViewType FromProto(Wire.ViewType v) => v switch
    {
        Wire.ViewType.ActiveOnly => ViewType.ActiveOnly,
        Wire.ViewType.DeletedOnly => ViewType.DeletedOnly,
        Wire.ViewType.All => ViewType.All,
        _ => throw MlopsException.Invalid("view_type", $"view type {(int)v} is not known"),
    };

    public static RunStatus? FromProto(Wire.RunStatus s) => s switch
    {
        Wire.RunStatus.Unspecified => null,
        Wire.RunStatus.Running or Wire.RunStatus.Scheduled or Wire.RunStatus.Finished or Wire.RunStatus.Failed or Wire.RunStatus.Killed => (RunStatus)(int)s,
        _ => throw MlopsException.Invalid("status", $"status {(int)s} is not a run status"),
    };
}
