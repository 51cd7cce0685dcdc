using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Catalog.LoggedModels;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Grains.Tracking;

/// <summary>Single writer of one logged model: validates, writes through to the catalog, then updates its view.</summary>
public sealed class LoggedModelGrain(ILoggedModelStore store) : Grain, ILoggedModelGrain
{
    private LoggedModelInfo? _model;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _model = await store.LoadAsync(Id, cancellationToken);

    public async Task<LoggedModelInfo> Create(CreateLoggedModel command)
    {
        LoggedModelValidation.ModelId(Id);
        if (_model is not null) throw new MlopsException(ErrorCode.AlreadyExists, $"logged model id {Id} is already taken", "model_id");
        TrackingValidation.ExperimentId(command.ExperimentId);
        var name = string.IsNullOrEmpty(command.Name) ? RunNames.Generate(Id) : command.Name;
        LoggedModelValidation.Name(name);
        LoggedModelValidation.ModelType(command.ModelType);
        LoggedModelValidation.Params(command.Params);
        LoggedModelValidation.Tags(command.Tags);
        var experiment = await GrainFactory.GetGrain<IExperimentGrain>(command.ExperimentId).Get();
        if (experiment.LifecycleStage != LifecycleStage.Active)
            throw MlopsException.Precondition($"experiment {experiment.ExperimentId} is deleted; a model cannot be logged in it");
        var root = LoggedModelInfo.RootOf(experiment.ExperimentId, Id);
        if (!string.IsNullOrEmpty(command.SourceRunId))
        {
            TrackingValidation.RunId(command.SourceRunId, "source_run_id");
            var run = GrainFactory.GetGrain<IRunGrain>(command.SourceRunId);
            var info = (await run.Get()).Info;
            if (info.ExperimentId != experiment.ExperimentId)
                throw MlopsException.Invalid("source_run_id", $"run {command.SourceRunId} belongs to experiment {info.ExperimentId}, not to experiment {experiment.ExperimentId}");
            if (command.RunArtifactPath is { } path)
                root = ArtifactPath.Join(await run.GetArtifactRoot(), ArtifactPath.Directory(path, "artifact_path"));
        }
        else if (command.RunArtifactPath is not null)
            throw MlopsException.Invalid("source_run_id", "a model kept in a run's artifacts needs its source_run_id");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var created = new LoggedModelInfo(Id, experiment.ExperimentId, name, NullIfEmpty(command.SourceRunId), NullIfEmpty(command.ModelType),
            LoggedModelStatus.Pending, null, now, now, root, LifecycleStage.Active,
            new Dictionary<string, string>(command.Params, StringComparer.Ordinal), new Dictionary<string, string>(command.Tags, StringComparer.Ordinal));
        await store.WriteAsync(new LoggedModelWrite(created, IsNew: true));
        return _model = created;
    }

    public Task<LoggedModelInfo> Get() => Task.FromResult(Current);

    public Task<LoggedModelInfo> Finalize(LoggedModelStatus status)
    {
        if (status is not (LoggedModelStatus.Ready or LoggedModelStatus.Failed))
            throw MlopsException.Invalid("status", $"a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED; got {status}");
        var current = Current;
        return current.Status == status ? Task.FromResult(current) : Save(current with { Status = status }, new LoggedModelWrite(current, false));
    }

    public Task<LoggedModelInfo> SetTags(IReadOnlyDictionary<string, string> tags)
    {
        LoggedModelValidation.Tags(tags);
        var current = Current;
        if (tags.Count == 0) return Task.FromResult(current);
        var merged = new Dictionary<string, string>(current.Tags, StringComparer.Ordinal);
        foreach (var (key, value) in tags) merged[key] = value;
        return Save(current with { Tags = merged }, new LoggedModelWrite(current, false) { TagUpserts = tags.ToList() });
    }

    public Task<LoggedModelInfo> DeleteTag(string key)
    {
        TrackingValidation.Key(key, "tag_key");
        var current = Current;
        if (!current.Tags.ContainsKey(key)) throw MlopsException.NotFound($"No tag with key '{key}' found for model with ID '{Id}'.");
        var remaining = new Dictionary<string, string>(current.Tags, StringComparer.Ordinal);
        remaining.Remove(key);
        return Save(current with { Tags = remaining }, new LoggedModelWrite(current, false) { TagDeletes = [key] });
    }

    public Task<LoggedModelInfo> LogParams(IReadOnlyDictionary<string, string> parameters)
    {
        LoggedModelValidation.Params(parameters);
        var current = Current;
        var fresh = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in parameters)
        {
            if (!current.Params.TryGetValue(key, out var logged)) fresh.Add(KeyValuePair.Create(key, value));
            else if (logged != value)
                throw MlopsException.Invalid("params", $"param '{key}' of logged model {Id} was already logged with value '{logged}'; a param cannot be changed (got '{value}')");
        }
        if (fresh.Count == 0) return Task.FromResult(current);
        var merged = new Dictionary<string, string>(current.Params, StringComparer.Ordinal);
        foreach (var (key, value) in fresh) merged[key] = value;
        return Save(current with { Params = merged }, new LoggedModelWrite(current, false) { NewParams = fresh });
    }

    public async Task LogMetrics(IReadOnlyList<ModelMetric> metrics)
    {
        var current = Current;
        if (metrics.Count > TrackingLimits.MaxBatchMetrics)
            throw MlopsException.Invalid("metrics", $"at most {TrackingLimits.MaxBatchMetrics} metrics may be logged at once; got {metrics.Count}");
        for (var i = 0; i < metrics.Count; i++)
        {
            TrackingValidation.Key(metrics[i].Key, $"metrics[{i}].key");
            TrackingValidation.RunId(metrics[i].RunId, $"metrics[{i}].run_id");
            TrackingValidation.Value(metrics[i].DatasetName, TrackingLimits.MaxKeyLength, $"metrics[{i}].dataset_name");
            TrackingValidation.Value(metrics[i].DatasetDigest, TrackingLimits.MaxKeyLength, $"metrics[{i}].dataset_digest");
        }
        if (metrics.Count == 0) return;
        // A point logged again (same run, key, step, time and dataset) replaces the stored one, as the catalog's upsert does.
        static (string, string, long, long, string, string) Identity(ModelMetric m) => (m.RunId, m.Key, m.Step, m.Timestamp, m.DatasetName, m.DatasetDigest);
        var incoming = metrics.GroupBy(Identity).Select(g => g.Last()).ToList();
        var replaced = incoming.Select(Identity).ToHashSet();
        var merged = current.Metrics.Where(m => !replaced.Contains(Identity(m))).Concat(incoming)
            .OrderBy(m => m.Key, StringComparer.Ordinal).ThenBy(m => m.Step).ThenBy(m => m.Timestamp).ThenBy(m => m.RunId, StringComparer.Ordinal).ToList();
        await store.WriteAsync(new LoggedModelWrite(current, false) { NewMetrics = incoming });
        _model = current with { Metrics = merged };
    }

    /// <summary>Soft delete, as MLflow's: the row stays, gets and searches no longer see it. Its files stay in the store.</summary>
    public async Task Delete()
    {
        var current = Current;
        await Save(current with { LifecycleStage = LifecycleStage.Deleted }, new LoggedModelWrite(current, false));
    }

    private string Id => this.GetPrimaryKeyString();

    private LoggedModelInfo Current => _model is { LifecycleStage: LifecycleStage.Active } m ? m : throw MlopsException.NotFound($"Logged model with ID '{Id}' not found.");

    private async Task<LoggedModelInfo> Save(LoggedModelInfo next, LoggedModelWrite write)
    {
        next = next with { LastUpdatedTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        await store.WriteAsync(write with { Model = next });
        return _model = next;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
