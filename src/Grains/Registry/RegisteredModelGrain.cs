using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Transfers;
using MlOps.Orleans.Catalog.Registry;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Orleans.Runtime;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Grains.Registry;

/// <summary>
/// Single writer of one registered model and its versions. Version numbers come from this grain alone and are guarded by
/// the catalog's (model, version) key; every change is durable before it is applied in memory and published.
/// </summary>
public sealed class RegisteredModelGrain(IRegistryStore store, IArtifactStore artifacts) : Grain, IRegisteredModelGrain
{
    private RegistryState? _state;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _state = await store.LoadModelAsync(ModelId, cancellationToken);

    public async Task<RegisteredModelInfo> Create(CreateRegisteredModel command)
    {
        if (_state is not null) throw MlopsException.Exists($"model id {ModelId} is already taken");
        RegistryValidation.ModelName(command.Name);
        RegistryValidation.Description(command.Description);
        foreach (var (k, v) in command.Tags) RegistryValidation.Tag(k, v, "tags");
        var now = Now;
        var row = new ModelRow(ModelId, command.Name, command.Description ?? "", now, now, command.UserId ?? "");
        await store.WriteModelAsync(new ModelWrite(ModelId) { Model = row, IsNew = true, TagUpserts = command.Tags.ToList() });
        _state = new RegistryState(row, new(command.Tags, StringComparer.Ordinal), [], new(StringComparer.Ordinal), [], 0);
        await Publish("model_created");
        return Info();
    }

    public Task<RegisteredModelInfo> Get() => Task.FromResult(Info());

    public async Task<RegisteredModelInfo> Rename(string newName)
    {
        var state = Current;
        RegistryValidation.ModelName(newName, "new_name");
        if (newName == state.Model.Name) return Info();
        var row = state.Model with { Name = newName, LastUpdatedTime = Now };
        await store.WriteModelAsync(new ModelWrite(ModelId) { Model = row });
        _state = state with { Model = row, Versions = new(state.Versions.ToDictionary(v => v.Key, v => v.Value with { ModelName = newName })) };
        await Publish("model_renamed");
        return Info();
    }

    public async Task<RegisteredModelInfo> UpdateDescription(string description)
    {
        var state = Current;
        RegistryValidation.Description(description);
        var row = state.Model with { Description = description, LastUpdatedTime = Now };
        await store.WriteModelAsync(new ModelWrite(ModelId) { Model = row });
        _state = state with { Model = row };
        return Info();
    }

    public async Task Delete()
    {
        _ = Current;
        await store.WriteModelAsync(new ModelWrite(ModelId) { DeleteModel = true });
        await Publish("model_deleted");
        _state = null;
        // Pinned files go after the catalog rows: a crash in between leaves only unreferenced bytes, never a dangling version.
        await artifacts.DeleteAsync(ModelRoot);
    }

    public async Task SetTag(string key, string value)
    {
        var state = Current;
        RegistryValidation.Tag(key, value);
        await store.WriteModelAsync(new ModelWrite(ModelId) { TagUpserts = [KeyValuePair.Create(key, value)] });
        state.Tags[key] = value;
    }

    public async Task DeleteTag(string key)
    {
        var state = Current;
        TrackingValidation.Key(key, "key");
        if (!state.Tags.ContainsKey(key)) throw MlopsException.NotFound($"model '{state.Model.Name}' has no tag '{key}'");
        await store.WriteModelAsync(new ModelWrite(ModelId) { TagDeletes = [key] });
        state.Tags.Remove(key);
    }

    public async Task<ModelVersionInfo> CreateVersion(CreateModelVersion command)
    {
        var state = Current;
        var source = ModelSource.Parse(command.Source, command.RecordAsGiven);
        RegistryValidation.Description(command.Description);
        TrackingValidation.UserId(command.UserId);
        foreach (var (k, v) in command.Tags) RegistryValidation.Tag(k, v, "tags");
        if (command.RunLink is { Length: > RegistryValidation.MaxSourceLength }) throw MlopsException.Invalid("run_link", "run_link is too long");
        if (command.RecordAsGiven && source is ModelSource.Run named && !await RunExists(named.RunId))
            source = new ModelSource.Outside(command.Source, IsLocalPath: false);
        if (source is ModelSource.Outside outside)
        {
            // model_id must name a logged model before anything is written, as on the copying path.
            if (!string.IsNullOrEmpty(command.ModelId))
            {
                LoggedModelValidation.ModelId(command.ModelId);
                await GrainFactory.GetGrain<ILoggedModelGrain>(command.ModelId).Get();
            }
            return await RecordOutside(command, outside);
        }
        var (sourceKey, runId) = await ResolveSource(source, command.RunId, command.RecordAsGiven);
        runId = await LinkedRun(source, command.ModelId, runId);
        if (!await artifacts.ExistsAsync(sourceKey))
            throw MlopsException.NotFound($"source '{command.Source}' holds no artifacts");

        var number = state.LastVersion + 1;
        var now = Now;
        var pending = new ModelVersionInfo(state.Model.Name, number, now, now, command.UserId ?? "", ModelStage.None, command.Description ?? "",
            command.Source, runId, command.RunLink ?? "", ModelVersionStatus.PendingRegistration, "", new Dictionary<string, string>(command.Tags),
            [], $"{ModelRoot}/{number}", "");
        // A new version changes the model too (its last_updated_timestamp), as in MLflow.
        var touched = state.Model with { LastUpdatedTime = now };
        await store.WriteModelAsync(new ModelWrite(ModelId) { Model = touched, VersionInserts = [pending] });
        state.Versions[number] = pending;
        _state = state with { LastVersion = number, Model = touched };
        await Publish("version_created", number, status: pending.Status);

        ModelVersionInfo final;
        IReadOnlyList<VersionFile> files = [];
        try
        {
            var pinned = await VersionPinning.PinAsync(artifacts, sourceKey, pending.StorageLocation, CancellationToken.None);
            files = pinned.Files;
            final = pending with
            {
                Status = pinned.IsValid ? ModelVersionStatus.Ready : ModelVersionStatus.FailedRegistration,
                StatusMessage = pinned.Message, Digest = pinned.Digest, LastUpdatedTime = Now,
            };
        }
        catch (Exception e) when (e is MlopsException or IOException)
        {
            final = pending with { Status = ModelVersionStatus.FailedRegistration, StatusMessage = $"pinning the artifacts failed: {e.Message}", LastUpdatedTime = Now };
        }
        await store.WriteModelAsync(new ModelWrite(ModelId) { VersionUpdates = [final], VersionFiles = files.Select(f => (number, f)).ToList() });
        Current.Versions[number] = final;
        await Publish("version_status", number, status: final.Status);
        return WithAliases(final);
    }

    /// <summary>
    /// A version whose source is outside the store, recorded in one write as READY with no files: MLflow clients wait for
    /// READY, and the empty storage location is what every reading path checks (<see cref="ModelVersionInfo.IsCopied"/>).
    /// </summary>
    private async Task<ModelVersionInfo> RecordOutside(CreateModelVersion command, ModelSource.Outside outside)
    {
        var runId = command.RunId ?? "";
        TrackingValidation.RecordedRunId(runId);
        if (outside.IsLocalPath) await RequireInsideRunDirectory(outside.Uri, runId);
        var state = Current;
        var number = state.LastVersion + 1;
        var now = Now;
        var version = new ModelVersionInfo(state.Model.Name, number, now, now, command.UserId ?? "", ModelStage.None, command.Description ?? "",
            command.Source, runId, command.RunLink ?? "", ModelVersionStatus.Ready, OutsideMessage, new Dictionary<string, string>(command.Tags), [], "", "");
        // A new version changes the model too (its last_updated_timestamp), as in MLflow.
        var touched = state.Model with { LastUpdatedTime = now };
        await store.WriteModelAsync(new ModelWrite(ModelId) { Model = touched, VersionInserts = [version] });
        state.Versions[number] = version;
        _state = state with { LastVersion = number, Model = touched };
        await Publish("version_created", number, status: version.Status);
        return WithAliases(version);
    }

    public const string OutsideMessage =
        "the source is outside the artifact store: recorded as given, nothing was copied, and the version cannot be downloaded, copied or served";

    /// <summary>
    /// MLflow's rule for a server path: only with a run whose own artifact directory is a local path, and inside it once
    /// normalized. The path is compared as text and never touched on disk.
    /// </summary>
    private async Task RequireInsideRunDirectory(string source, string runId)
    {
        var refusal = MlopsException.Invalid("source", $"Invalid model version source: '{source}'. To use a local path as a model version source, " +
            "the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.");
        if (!TrackingValidation.IsRunId(runId)) throw refusal;
        var root = (await GrainFactory.GetGrain<IRunGrain>(runId).Get()).Info.ArtifactUri;
        if (LocalPath(root) is not { } rootPath || LocalPath(source) is not { } sourcePath) throw refusal;
        var inside = sourcePath == rootPath || sourcePath.StartsWith(rootPath.TrimEnd('/') + "/", StringComparison.Ordinal);
        if (!inside) throw refusal;
    }

    private static string? LocalPath(string uri)
    {
        var path = uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? uri["file://".Length..] : uri;
        if (path.StartsWith("localhost/", StringComparison.OrdinalIgnoreCase)) path = path["localhost".Length..];
        if (path.Length == 0 || path.Contains(':', StringComparison.Ordinal) || !path.StartsWith('/')) return null;
        var decoded = Uri.UnescapeDataString(path);
        // Compared as text only; a path no file system could hold is simply not inside the run's folder.
        return decoded.Any(char.IsControl) ? null : System.IO.Path.GetFullPath(decoded);
    }

    /// <summary>runs:/&lt;id&gt;/… names a run only when the id has a run's form and the run exists.</summary>
    private async Task<bool> RunExists(string runId)
    {
        if (!TrackingValidation.IsRunId(runId)) return false;
        try
        {
            await GrainFactory.GetGrain<IRunGrain>(runId).Get();
            return true;
        }
        catch (MlopsException e) when (e.Code == ErrorCode.NotFound)
        {
            return false;
        }
    }

    public Task<ModelVersionInfo> GetVersion(long version) => Task.FromResult(WithAliases(Version(version)));

    public async Task<ModelVersionInfo> UpdateVersion(long version, string description)
    {
        RegistryValidation.Description(description);
        var next = Version(version) with { Description = description, LastUpdatedTime = Now };
        await SaveVersion(next);
        return WithAliases(next);
    }

    public async Task DeleteVersion(long version)
    {
        var v = Version(version);
        var touched = Current.Model with { LastUpdatedTime = Now };
        await store.WriteModelAsync(new ModelWrite(ModelId) { Model = touched, VersionDeletes = [version] });
        _state = Current with { Model = touched };
        var state = Current;
        state.Versions.Remove(version);
        foreach (var alias in state.Aliases.Where(a => a.Value == version).Select(a => a.Key).ToList()) state.Aliases.Remove(alias);
        await Publish("version_deleted", version);
        if (v.IsCopied) await artifacts.DeleteAsync(v.StorageLocation);
    }

    public async Task SetVersionTag(long version, string key, string value)
    {
        RegistryValidation.Tag(key, value);
        var v = Version(version);
        await SaveVersion(v with { Tags = new Dictionary<string, string>(v.Tags) { [key] = value }, LastUpdatedTime = Now });
    }

    public async Task DeleteVersionTag(long version, string key)
    {
        TrackingValidation.Key(key, "key");
        var v = Version(version);
        if (!v.Tags.ContainsKey(key)) throw MlopsException.NotFound($"version {version} of '{v.ModelName}' has no tag '{key}'");
        var tags = new Dictionary<string, string>(v.Tags);
        tags.Remove(key);
        await SaveVersion(v with { Tags = tags, LastUpdatedTime = Now });
    }

    public async Task<ModelVersionInfo> TransitionStage(long version, ModelStage stage, bool archiveExisting)
    {
        if (!Enum.IsDefined(stage)) throw MlopsException.Invalid("stage", $"stage {(int)stage} is not one of None, Staging, Production, Archived");
        var v = Version(version);
        var now = Now;
        var updates = new List<ModelVersionInfo> { v with { Stage = stage, LastUpdatedTime = now } };
        // MLflow archives the other versions in the target stage only for Staging and Production.
        if (archiveExisting && stage is ModelStage.Staging or ModelStage.Production)
            updates.AddRange(Current.Versions.Values.Where(o => o.Version != version && o.Stage == stage)
                .Select(o => o with { Stage = ModelStage.Archived, LastUpdatedTime = now }));
        // A stage change is the model's change too (MLflow moves its last_updated_timestamp); a description is not.
        var touched = Current.Model with { LastUpdatedTime = now };
        await store.WriteModelAsync(new ModelWrite(ModelId) { Model = touched, VersionUpdates = updates });
        _state = Current with { Model = touched };
        foreach (var u in updates) Current.Versions[u.Version] = u;
        foreach (var u in updates) await Publish("stage_changed", u.Version, stage: u.Stage);
        return WithAliases(updates[0]);
    }

    public Task<IReadOnlyList<ModelVersionInfo>> GetLatestVersions(IReadOnlyList<ModelStage> stages)
    {
        var wanted = stages.Count == 0 ? null : stages.ToHashSet();
        IReadOnlyList<ModelVersionInfo> latest = SqlRegistryStore.LatestPerStage(Current.Versions.Values)
            .Where(v => wanted is null || wanted.Contains(v.Stage)).Select(WithAliases).ToList();
        return Task.FromResult(latest);
    }

    public async Task SetAlias(string alias, long version)
    {
        RegistryValidation.Alias(alias);
        _ = Version(version);
        await store.WriteModelAsync(new ModelWrite(ModelId) { AliasUpserts = [KeyValuePair.Create(alias, version)] });
        Current.Aliases[alias] = version;
        await Publish("alias_set", version, alias);
    }

    public async Task DeleteAlias(string alias)
    {
        RegistryValidation.Alias(alias);
        if (!Current.Aliases.ContainsKey(alias)) throw MlopsException.NotFound($"model '{Current.Model.Name}' has no alias '{alias}'");
        await store.WriteModelAsync(new ModelWrite(ModelId) { AliasDeletes = [alias] });
        Current.Aliases.Remove(alias);
        await Publish("alias_deleted", alias: alias);
    }

    public Task<ModelVersionInfo> ResolveAlias(string alias)
    {
        RegistryValidation.Alias(alias);
        return Current.Aliases.TryGetValue(alias, out var version)
            ? GetVersion(version)
            : throw MlopsException.NotFound($"model '{Current.Model.Name}' has no alias '{alias}'");
    }

    public async Task<PromotionRecord> Promote(PromotionRequest request)
    {
        var state = Current;
        RegistryValidation.Alias(request.Alias);
        TrackingValidation.Key(request.Metric, "metric");
        if (!double.IsFinite(request.MinimumGain) || request.MinimumGain < 0)
            throw MlopsException.Invalid("minimum_gain", "minimum_gain must be a finite number >= 0");
        var candidate = Version(request.CandidateVersion);
        if (candidate.Status != ModelVersionStatus.Ready)
            throw MlopsException.Precondition($"version {candidate.Version} is {candidate.Status}, not READY; only a ready version can be promoted");
        long? holderVersion = state.Aliases.TryGetValue(request.Alias, out var h) ? h : null;
        if (holderVersion == candidate.Version)
            throw MlopsException.Precondition($"version {candidate.Version} already holds '{request.Alias}'");
        var evaluationRun = string.IsNullOrEmpty(request.EvaluationRunId) ? candidate.RunId : request.EvaluationRunId;
        var candidateValue = await LatestMetric(evaluationRun, request.Metric, "evaluation_run_id");
        var holderValue = holderVersion is { } hv && state.Versions.TryGetValue(hv, out var holder) ? await LatestMetric(holder.RunId, request.Metric, null) : null;
        var (decision, reason) = Promotion.Decide(request, holderVersion, candidateValue, holderValue);
        var record = new PromotionRecord(state.Promotions.Count + 1, request.Alias, holderVersion, candidate.Version, request.Metric,
            candidateValue, holderValue, decision, reason, request.UserId ?? "", Now);
        var moves = decision == PromotionDecision.Rejected ? [] : new[] { KeyValuePair.Create(request.Alias, candidate.Version) };
        await store.WriteModelAsync(new ModelWrite(ModelId) { Promotions = [record], AliasUpserts = moves });
        state.Promotions.Add(record);
        if (moves.Length > 0)
        {
            state.Aliases[request.Alias] = candidate.Version;
            await Publish("alias_set", candidate.Version, request.Alias);
        }
        return record;
    }

    public Task<IReadOnlyList<PromotionRecord>> ListPromotions() => Task.FromResult<IReadOnlyList<PromotionRecord>>(Current.Promotions.ToList());

    public async Task<LineageGraph> GetLineage(long version)
    {
        var v = WithAliases(Version(version));
        RunSnapshot? run = null;
        ExperimentInfo? experiment = null;
        var runUnresolved = !string.IsNullOrEmpty(v.RunId) && !TrackingValidation.IsRunId(v.RunId);
        if (TrackingValidation.IsRunId(v.RunId))
        {
            try
            {
                run = await GrainFactory.GetGrain<IRunGrain>(v.RunId).Get();
                experiment = await GrainFactory.GetGrain<IExperimentGrain>(run.Info.ExperimentId).Get();
            }
            catch (MlopsException e) when (e.Code == ErrorCode.NotFound) { runUnresolved = true; /* purged, or never existed (kept as given) */ }
        }
        ModelVersionInfo? origin = null;
        // A source recorded as given is never parsed again as a reference: it resolves to nothing.
        var parsed = v.IsCopied ? ModelSource.Parse(v.Source) : null;
        if (parsed is ModelSource.Model m && !SameModel(m.Name))
        {
            try { origin = await ResolveModelVersion(m); }
            catch (MlopsException e) when (e.Code == ErrorCode.NotFound) { /* the source model was deleted */ }
        }
        LoggedModelInfo? logged = null;
        if (parsed is ModelSource.LoggedModel l)
        {
            try { logged = await GrainFactory.GetGrain<ILoggedModelGrain>(l.ModelId).Get(); }
            catch (MlopsException e) when (e.Code == ErrorCode.NotFound) { /* the logged model was deleted; the version keeps its files */ }
        }
        return new LineageGraph(v, run, experiment, origin) { LoggedModel = logged, RunUnresolved = runUnresolved };
    }

    private string ModelId => this.GetPrimaryKeyString();

    private string ModelRoot => $"models/{ModelId}";

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private RegistryState Current => _state ?? throw MlopsException.NotFound($"registered model {ModelId} does not exist");

    private ModelVersionInfo Version(long version)
    {
        RegistryValidation.Version(version);
        return Current.Versions.TryGetValue(version, out var v)
            ? v
            : throw MlopsException.NotFound($"Model Version (name={Current.Model.Name}, version={version}) not found"); // MLflow's wording
    }

    private ModelVersionInfo WithAliases(ModelVersionInfo v) =>
        v with { Aliases = Current.Aliases.Where(a => a.Value == v.Version).Select(a => a.Key).Order(StringComparer.Ordinal).ToList() };

    private RegisteredModelInfo Info()
    {
        var s = Current;
        return new RegisteredModelInfo(ModelId, s.Model.Name, s.Model.Description, s.Model.CreationTime, s.Model.LastUpdatedTime, s.Model.UserId,
            new Dictionary<string, string>(s.Tags), new Dictionary<string, long>(s.Aliases),
            SqlRegistryStore.LatestPerStage(s.Versions.Values).Select(WithAliases).ToList());
    }

    private async Task SaveVersion(ModelVersionInfo next)
    {
        await store.WriteModelAsync(new ModelWrite(ModelId) { VersionUpdates = [next] });
        Current.Versions[next.Version] = next;
    }

    private bool SameModel(string name) => string.Equals(name, Current.Model.Name, StringComparison.Ordinal);

    /// <summary>The store key to copy from and the run the version is linked to.</summary>
    /// <param name="keepGivenRunId">MLflow REST: a run_id other than the source's run is recorded as sent</param>
    private async Task<(string Key, string RunId)> ResolveSource(ModelSource source, string? runId, bool keepGivenRunId)
    {
        if (keepGivenRunId) TrackingValidation.RecordedRunId(runId);
        else if (!string.IsNullOrEmpty(runId)) TrackingValidation.RunId(runId);
        switch (source)
        {
            case ModelSource.Run r:
                if (!string.IsNullOrEmpty(runId) && runId != r.RunId && !keepGivenRunId)
                    throw MlopsException.Invalid("run_id", $"run_id '{runId}' differs from the run in the source ('{r.RunId}')");
                var root = await GrainFactory.GetGrain<IRunGrain>(r.RunId).GetArtifactRoot();
                if (r.ExpectedRoot is not null && r.ExpectedRoot != root)
                    throw MlopsException.Invalid("source", $"source names '{r.ExpectedRoot}', but run '{r.RunId}' keeps its artifacts under '{root}'");
                return (ArtifactPath.Join(root, r.Path), string.IsNullOrEmpty(runId) ? r.RunId : runId);
            case ModelSource.Pinned p:
                return (p.Key, runId ?? "");
            case ModelSource.Model m:
                var origin = await ResolveModelVersion(m);
                if (!origin.IsCopied)
                    throw MlopsException.Precondition($"source version {origin.Version} of '{m.Name}' records '{origin.Source}' as given: {OutsideMessage}");
                if (origin.Status != ModelVersionStatus.Ready)
                    throw MlopsException.Precondition($"source version {origin.Version} of '{m.Name}' is {origin.Status}, not READY");
                return (origin.StorageLocation, runId ?? origin.RunId);
            case ModelSource.LoggedModel l:
                var logged = await GrainFactory.GetGrain<ILoggedModelGrain>(l.ModelId).Get();
                return (logged.ArtifactRoot, string.IsNullOrEmpty(runId) ? logged.SourceRunId ?? "" : runId);
            case ModelSource.Staging s:
                await UploadManifest.RequireCompletedStagingAsync(artifacts, s.StagingId);
                return (ArtifactKeys.StagingRoot(s.StagingId, "source"), runId ?? "");
            default:
                throw MlopsException.Invalid("source", "unsupported source");
        }
    }

    /// <summary>
    /// MLflow 3 sends the logged model a version comes from as model_id: it must exist (and be the source's own model),
    /// and fills the version's run when the request named none.
    /// </summary>
    private async Task<string> LinkedRun(ModelSource source, string? modelId, string runId)
    {
        if (string.IsNullOrEmpty(modelId)) return runId;
        LoggedModelValidation.ModelId(modelId);
        if (source is ModelSource.LoggedModel l && l.ModelId != modelId)
            throw MlopsException.Invalid("model_id", $"model_id '{modelId}' differs from the logged model in the source ('{l.ModelId}')");
        var logged = await GrainFactory.GetGrain<ILoggedModelGrain>(modelId).Get();
        return string.IsNullOrEmpty(runId) ? logged.SourceRunId ?? "" : runId;
    }

    // Never call this grain through the factory from inside itself: a non-reentrant grain would wait on its own queue.
    private async Task<ModelVersionInfo> ResolveModelVersion(ModelSource.Model m)
    {
        if (SameModel(m.Name))
            return m.Alias is { } a ? await ResolveAlias(a) : WithAliases(Version(m.Version!.Value));
        var id = await GrainFactory.GetGrain<IRegistryQueryGrain>(0).FindModelId(m.Name)
            ?? throw MlopsException.NotFound($"Registered Model with name={m.Name} not found");
        var other = GrainFactory.GetGrain<IRegisteredModelGrain>(id);
        return m.Alias is { } alias ? await other.ResolveAlias(alias) : await other.GetVersion(m.Version!.Value);
    }

    private async Task<double?> LatestMetric(string runId, string metric, string? field)
    {
        if (string.IsNullOrEmpty(runId))
            return field is null ? null : throw MlopsException.Precondition("the candidate has no source run; give an evaluation_run_id");
        if (field is not null) TrackingValidation.RunId(runId, field);
        var run = await GrainFactory.GetGrain<IRunGrain>(runId).Get();
        return run.LatestMetrics.FirstOrDefault(p => p.Key == metric) is { Key: not null } point ? point.Value : null;
    }

    private Task Publish(string kind, long? version = null, string? alias = null, ModelStage? stage = null, ModelVersionStatus? status = null)
    {
        var name = _state?.Model.Name ?? "";
        return this.GetStreamProvider(StreamNames.Provider)
            .GetStream<ModelEvent>(StreamId.Create(StreamNames.ModelEvents, ModelId))
            .OnNextAsync(new ModelEvent(name, kind, version, alias, stage, status, Now));
    }
}
