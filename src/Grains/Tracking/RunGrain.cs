using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Contracts.Common;
using Orleans.Runtime;
using Orleans.Streams;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Grains.Tracking;

/// <summary>
/// Single writer of one run. Every mutation is validated against the in-memory state, committed to the catalog in one
/// transaction, applied in memory, and only then published; so an acknowledged point is durable and a subscriber never
/// sees a point the catalog does not have.
/// </summary>
public sealed class RunGrain(ITrackingStore store, ILocalSiloDetails silo) : Grain, IRunGrain
{
    private RunState? _state;
    private IAsyncStream<MetricBatchEvent>? _metricStream;

    /// <summary>Live subscribers' lease ends (Environment.TickCount64); publishing happens only while one is current.</summary>
    private readonly Dictionary<Guid, long> _watchers = [];

    /// <summary>The longest lease a subscriber may ask for: a gateway that died stops costing publishes within it.</summary>
    private static readonly TimeSpan MaxLease = TimeSpan.FromMinutes(5);

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _state = await store.LoadRunAsync(RunId, cancellationToken);

    public async Task<RunSnapshot> Create(CreateRun command)
    {
        if (_state is not null) throw MlopsException.Exists($"run '{RunId}' already exists");
        TrackingValidation.ExperimentId(command.ExperimentId);
        TrackingValidation.RunName(command.RunName);
        TrackingValidation.UserId(command.UserId);
        TrackingValidation.Time(command.StartTime, "start_time");
        foreach (var (key, value) in command.Tags)
        {
            TrackingValidation.Key(key, "tags.key");
            TrackingValidation.Value(value, TrackingLimits.MaxRunTagValueLength, $"tags['{key}'].value");
        }
        var experiment = await GrainFactory.GetGrain<IExperimentGrain>(command.ExperimentId).Get();
        if (experiment.LifecycleStage != LifecycleStage.Active)
            throw MlopsException.Precondition($"experiment {command.ExperimentId} is deleted; runs cannot be created in it");
        var parent = command.ParentRunId;
        if (string.IsNullOrEmpty(parent) && command.Tags.TryGetValue(TrackingLimits.ParentRunTag, out var tagged)) parent = tagged;
        if (!string.IsNullOrEmpty(parent))
        {
            TrackingValidation.RunId(parent, "parent_run_id");
            try
            {
                var parentRun = await GrainFactory.GetGrain<IRunGrain>(parent).Get();
                if (parentRun.Info.ExperimentId != command.ExperimentId)
                    throw MlopsException.Invalid("parent_run_id", $"parent run '{parent}' belongs to experiment {parentRun.Info.ExperimentId}, not {command.ExperimentId}");
            }
            catch (MlopsException e) when (e.Code == MlOps.Orleans.Contracts.Common.ErrorCode.NotFound && command.KeepUnknownParent)
            {
                // Kept as given, unresolved (see CreateRun.KeepUnknownParent). A parent that exists must still be in the same experiment.
            }
        }
        var name = string.IsNullOrEmpty(command.RunName)
            ? command.Tags.GetValueOrDefault(TrackingLimits.RunNameTag) ?? RunNames.Generate(RunId)
            : command.RunName;
        var tags = new Dictionary<string, string>(command.Tags, StringComparer.Ordinal) { [TrackingLimits.RunNameTag] = name };
        if (!string.IsNullOrEmpty(parent)) tags[TrackingLimits.ParentRunTag] = parent;
        var info = new RunInfo(RunId, command.ExperimentId, name, command.UserId ?? "", RunStatus.Running,
            command.StartTime is > 0 ? command.StartTime.Value : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null,
            $"{experiment.ArtifactLocation.TrimEnd('/')}/{RunId}/artifacts", LifecycleStage.Active, string.IsNullOrEmpty(parent) ? null : parent);
        await store.WriteRunAsync(new RunWrite(RunId) { Info = info, IsNew = true, TagUpserts = tags.ToList() });
        _state = new RunState(info, new(StringComparer.Ordinal), tags, new(StringComparer.Ordinal), [], [], new(StringComparer.Ordinal), 0);
        await PublishStatus();
        return Snapshot();
    }

    public Task<RunSnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<RunInfo> Update(UpdateRun command)
    {
        var state = Current;
        TrackingValidation.RunName(command.RunName);
        TrackingValidation.Time(command.EndTime, "end_time");
        if (command.Status is { } s && !Enum.IsDefined(s)) throw MlopsException.Invalid("status", $"status {(int)s} is not a run status");
        var info = state.Info;
        var next = info with
        {
            Status = command.Status ?? info.Status,
            EndTime = command.EndTime ?? info.EndTime,
            RunName = string.IsNullOrEmpty(command.RunName) ? info.RunName : command.RunName,
        };
        var tagUpserts = next.RunName != info.RunName ? new[] { KeyValuePair.Create(TrackingLimits.RunNameTag, next.RunName) } : [];
        await store.WriteRunAsync(new RunWrite(RunId) { Info = next, TagUpserts = tagUpserts });
        Apply(state with { Info = next }, tags: tagUpserts);
        if (next.Status != info.Status) await PublishStatus();
        return next;
    }

    public Task<RunInfo> Delete() => SetLifecycle(LifecycleStage.Deleted);

    public Task<RunInfo> Restore() => SetLifecycle(LifecycleStage.Active);

    public async Task SetTag(string key, string value)
    {
        var state = ActiveOnly();
        TrackingValidation.Key(key, "key");
        TrackingValidation.Value(value, TrackingLimits.MaxRunTagValueLength, "value");
        var pair = new[] { KeyValuePair.Create(key, value) };
        // mlflow.runName is the run's name: keep the column and the tag in step, as MLflow does.
        var info = key == TrackingLimits.RunNameTag ? state.Info with { RunName = value } : null;
        if (info is not null) TrackingValidation.RunName(value);
        await store.WriteRunAsync(new RunWrite(RunId) { Info = info, TagUpserts = pair });
        Apply(info is null ? state : state with { Info = info }, tags: pair);
    }

    public async Task DeleteTag(string key)
    {
        var state = ActiveOnly();
        TrackingValidation.Key(key, "key");
        if (!state.Tags.ContainsKey(key)) throw MlopsException.NotFound($"No tag with name: {key} in run with id {RunId}");
        await store.WriteRunAsync(new RunWrite(RunId) { TagDeletes = [key] });
        state.Tags.Remove(key);
    }

    public async Task<long> LogMetric(MetricPoint point)
    {
        TrackingValidation.Metric(point);
        var result = await LogBatch(new LogBatch([point], [], []));
        return result.LastSequence;
    }

    public async Task<LogResult> LogBatch(LogBatch batch)
    {
        var state = ActiveOnly();
        TrackingValidation.Batch(batch);
        var newParams = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in batch.Params)
        {
            if (state.Params.TryGetValue(key, out var existing))
            {
                if (existing != value)
                    throw MlopsException.Invalid("params", $"param '{key}' was already logged with value '{Clip(existing)}' for run '{RunId}'; " +
                        $"it cannot be changed to '{Clip(value)}' (params are immutable)");
                continue;
            }
            if (seen.Add(key)) newParams.Add(KeyValuePair.Create(key, value));
        }
        var info = batch.Tags.LastOrDefault(t => t.Key == TrackingLimits.RunNameTag) is { Key: not null } nameTag
            ? state.Info with { RunName = nameTag.Value } : null;
        if (info is not null) TrackingValidation.RunName(info.RunName);
        var (sequenced, latest) = Sequence(state, batch.Metrics);
        var stored = await store.WriteRunAsync(new RunWrite(RunId)
        {
            Info = info, NewParams = newParams, TagUpserts = batch.Tags, Metrics = sequenced, LatestUpserts = latest,
        });
        Apply(info is null ? state : state with { Info = info }, newParams, batch.Tags, latest, sequenced);
        await PublishMetrics(stored);
        return new LogResult(_state!.LastSequence);
    }

    public async Task<ulong> Ingest(IngestBatch batch)
    {
        var state = ActiveOnly();
        TrackingValidation.Ingest(batch);
        // A batch at or below the writer's durable cursor was stored before a reconnect: acknowledge, store nothing.
        if (state.IngestCursors.TryGetValue(batch.WriterId, out var durable) && batch.BatchSequence <= durable) return durable;
        var (sequenced, latest) = Sequence(state, batch.Metrics);
        var stored = await store.WriteRunAsync(new RunWrite(RunId)
        {
            Metrics = sequenced, LatestUpserts = latest, IngestCursor = (batch.WriterId, batch.BatchSequence),
        });
        Apply(state, latest: latest, metrics: sequenced);
        state.IngestCursors[batch.WriterId] = batch.BatchSequence;
        await PublishMetrics(stored);
        return batch.BatchSequence;
    }

    public async Task LogInputs(IReadOnlyList<DatasetInput> inputs)
    {
        var state = ActiveOnly();
        TrackingValidation.Inputs(inputs);
        var fresh = inputs.Where(i => !state.Inputs.Any(e => e.Name == i.Name && e.Digest == i.Digest))
            .DistinctBy(i => (i.Name, i.Digest)).ToList();
        if (fresh.Count == 0) return;
        await store.WriteRunAsync(new RunWrite(RunId) { NewInputs = fresh });
        state.Inputs.AddRange(fresh);
    }

    /// <summary>
    /// Records logged models as the run's outputs or inputs. Each model must exist and be in the run's experiment (3.5
    /// takes any id; a link to nothing would make <c>run.outputs</c> name models no one can get). A model already linked
    /// the same way keeps its first step.
    /// </summary>
    public async Task LinkModels(IReadOnlyList<RunModelLink> links)
    {
        var state = ActiveOnly();
        if (links.Count > LoggedModelValidation.MaxEntriesPerCall)
            throw MlopsException.Invalid("models", $"at most {LoggedModelValidation.MaxEntriesPerCall} models may be linked at once; got {links.Count}");
        for (var i = 0; i < links.Count; i++)
        {
            LoggedModelValidation.ModelId(links[i].ModelId, $"models[{i}].model_id");
            var model = await GrainFactory.GetGrain<ILoggedModelGrain>(links[i].ModelId).Get();
            if (model.ExperimentId != state.Info.ExperimentId)
                throw MlopsException.Invalid($"models[{i}].model_id", $"logged model {model.ModelId} belongs to experiment {model.ExperimentId}, not to run {RunId}'s experiment {state.Info.ExperimentId}");
        }
        var fresh = links.Where(l => !state.ModelLinks.Any(e => e.ModelId == l.ModelId && e.IsOutput == l.IsOutput))
            .DistinctBy(l => (l.ModelId, l.IsOutput)).ToList();
        if (fresh.Count == 0) return;
        await store.WriteRunAsync(new RunWrite(RunId) { NewModelLinks = fresh });
        state.ModelLinks.AddRange(fresh);
    }

    public Task<MetricHistoryPage> GetMetricHistory(MetricHistoryQuery query)
    {
        _ = Current;
        return MetricHistory.ReadAsync(store, RunId, query);
    }

    public Task<long> Watch(Guid watcher, TimeSpan lease)
    {
        var state = Current;
        if (lease <= TimeSpan.Zero || lease > MaxLease)
            throw MlopsException.Invalid("lease", $"a watch lease must be more than 0 and at most {MaxLease.TotalSeconds:0} s; got {lease.TotalSeconds} s");
        _watchers[watcher] = Environment.TickCount64 + (long)lease.TotalMilliseconds;
        // A watched run stays active through the lease, so its leases (kept in memory) are not lost to idle collection.
        DelayDeactivation(lease);
        return Task.FromResult(state.LastSequence);
    }

    public Task Unwatch(Guid watcher)
    {
        _watchers.Remove(watcher);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SequencedMetric>> ReadSince(long afterSequence, int limit)
    {
        _ = Current;
        return store.ReadMetricsSinceAsync(RunId, afterSequence, Math.Clamp(limit, 1, 10000));
    }

    public Task<string> GetArtifactRoot()
    {
        var info = Current.Info;
        // Derived from ids only, never from a client-set location, so it cannot point outside the store.
        return Task.FromResult($"{info.ExperimentId}/{RunId}/artifacts");
    }

    public Task RecordArtifact(ArtifactFile file)
    {
        ActiveOnly();
        return store.RecordArtifactAsync(RunId, file);
    }

    public Task<IReadOnlyList<ArtifactFile>> ListArtifacts(string directory, bool recursive)
    {
        _ = Current;
        return ArtifactListing.ListAsync(store, RunId, directory, recursive);
    }

    public Task RemoveArtifacts(string path)
    {
        ActiveOnly();
        return store.RemoveArtifactsAsync(RunId, path);
    }

    public Task<string> GetSilo()
    {
        _ = Current;
        return Task.FromResult(silo.SiloAddress.ToString());
    }

    private string RunId => this.GetPrimaryKeyString();

    private RunState Current => _state ?? throw MlopsException.NotFound($"Run with id={RunId} not found"); // MLflow's wording; clients match on it

    // MLflow refuses writes to a deleted run; a finished run still accepts them.
    private RunState ActiveOnly()
    {
        var state = Current;
        if (state.Info.LifecycleStage != LifecycleStage.Active)
            throw MlopsException.Precondition($"The run {RunId} must be in the 'active' state. Current state is deleted; restore it before logging to it.");
        return state;
    }

    private async Task<RunInfo> SetLifecycle(LifecycleStage stage)
    {
        var state = Current;
        if (state.Info.LifecycleStage == stage)
            throw MlopsException.Precondition($"run '{RunId}' is already {(stage == LifecycleStage.Active ? "active" : "deleted")}");
        var next = state.Info with { LifecycleStage = stage };
        await store.WriteRunAsync(new RunWrite(RunId) { Info = next });
        _state = state with { Info = next };
        await PublishStatus();
        return next;
    }

    /// <summary>Numbers new points after the run's last sequence and works out which latest values change.</summary>
    private static (List<SequencedMetric> Points, List<MetricPoint> Latest) Sequence(RunState state, IReadOnlyList<MetricPoint> points)
    {
        var sequenced = new List<SequencedMetric>(points.Count);
        var latest = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
        var next = state.LastSequence;
        foreach (var p in points)
        {
            sequenced.Add(new SequencedMetric(++next, p));
            var current = latest.TryGetValue(p.Key, out var l) ? l : state.LatestMetrics.GetValueOrDefault(p.Key);
            if (current.Key is null || p.IsNewerThan(current)) latest[p.Key] = p;
        }
        return (sequenced, latest.Values.ToList());
    }

    private void Apply(RunState state, IReadOnlyList<KeyValuePair<string, string>>? parameters = null,
        IReadOnlyList<KeyValuePair<string, string>>? tags = null, IReadOnlyList<MetricPoint>? latest = null,
        IReadOnlyList<SequencedMetric>? metrics = null)
    {
        foreach (var (k, v) in parameters ?? []) state.Params[k] = v;
        foreach (var (k, v) in tags ?? []) state.Tags[k] = v;
        foreach (var m in latest ?? []) state.LatestMetrics[m.Key] = m;
        _state = metrics is { Count: > 0 } ? state with { LastSequence = metrics[^1].Sequence } : state;
    }

    private RunSnapshot Snapshot()
    {
        var s = Current;
        return new RunSnapshot(s.Info, new Dictionary<string, string>(s.Params), new Dictionary<string, string>(s.Tags),
            s.LatestMetrics.Values.OrderBy(m => m.Key, StringComparer.Ordinal).ToList(), s.Inputs.ToList(), s.LastSequence) { Models = s.ModelLinks.ToList() };
    }

    // Batches above this many points are announced by their sequence range only (see MetricBatchEvent).
    private const int InlinePointsLimit = 100;

    /// <summary>
    /// Publishes stored points while a subscriber holds a lease. A run nobody watches publishes nothing: every stream that
    /// published stays in each pulling agent's cache for the inactivity period (30 min), and the agents scan that cache on
    /// every 10 ms poll, so 100,000 once-published runs kept an idle silo at 0.4–0.6 core. Subscribers miss nothing: they
    /// take a lease before replaying from the catalog, and fill any later gap from it.
    /// </summary>
    private Task PublishMetrics(IReadOnlyList<SequencedMetric> stored)
    {
        if (stored.Count == 0 || !Watched()) return Task.CompletedTask;
        _metricStream ??= this.GetStreamProvider(StreamNames.Provider).GetStream<MetricBatchEvent>(StreamId.Create(StreamNames.RunMetrics, RunId));
        return _metricStream.OnNextAsync(stored.Count <= InlinePointsLimit
            ? new MetricBatchEvent(RunId, stored, stored[^1].Sequence)
            : new MetricBatchEvent(RunId, [], stored[^1].Sequence));
    }

    private bool Watched()
    {
        if (_watchers.Count == 0) return false;
        var now = Environment.TickCount64;
        foreach (var (watcher, end) in _watchers)
            if (end <= now) _watchers.Remove(watcher);
        return _watchers.Count > 0;
    }

    private Task PublishStatus()
    {
        var info = Current.Info;
        return this.GetStreamProvider(StreamNames.Provider)
            .GetStream<RunStatusChanged>(StreamId.Create(StreamNames.RunStatus, info.ExperimentId))
            .OnNextAsync(new RunStatusChanged(info.RunId, info.ExperimentId, info.Status, info.LifecycleStage, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    private static string Clip(string s) => s.Length <= 100 ? s : string.Concat(s.AsSpan(0, 97), "...");
}
