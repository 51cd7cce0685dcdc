using MlOps.Orleans.Catalog.Tracking;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Grains.Tracking;

/// <summary>Single writer of one experiment: validates, writes through to the catalog, then updates its view.</summary>
public sealed class ExperimentGrain(ITrackingStore store) : Grain, IExperimentGrain
{
    private ExperimentInfo? _experiment;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _experiment = await store.LoadExperimentAsync(this.GetPrimaryKeyString(), cancellationToken);

    public async Task<ExperimentInfo> Create(CreateExperiment command)
    {
        if (_experiment is not null) throw new MlopsException(ErrorCode.AlreadyExists, $"experiment id {Id} is already taken", TrackingValidation.ExperimentIdField);
        TrackingValidation.ExperimentName(command.Name);
        TrackingValidation.ArtifactLocation(command.ArtifactLocation);
        ValidateTags(command.Tags);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var location = string.IsNullOrEmpty(command.ArtifactLocation) ? ExperimentLocations.For(store.DefaultArtifactRoot, Id) : command.ArtifactLocation;
        if (!string.IsNullOrEmpty(command.ArtifactLocation)) await CheckProxyLocation(command.ArtifactLocation);
        var created = new ExperimentInfo(Id, command.Name, location, LifecycleStage.Active, now, now, new Dictionary<string, string>(command.Tags, StringComparer.Ordinal));
        await store.WriteExperimentAsync(created, isNew: true);
        return _experiment = created;
    }

    /// <summary>
    /// A location inside this server's store (mlflow-artifacts:/…) must be the experiment's own: not the whole store, not
    /// another experiment's default area (a bare id) or a reserved area, and neither inside nor around another active
    /// experiment's location, whose files it would otherwise capture or hide.
    /// </summary>
    private async Task CheckProxyLocation(string location)
    {
        if (!location.StartsWith(ExperimentLocations.ProxyRoot, StringComparison.Ordinal)) return;
        var path = location[ExperimentLocations.ProxyRoot.Length..].TrimStart('/').TrimEnd('/');
        var first = path.Split('/')[0];
        var problem = path.Length == 0 ? "names the whole artifact store"
            : first.All(char.IsAsciiDigit) && first != Id ? $"names experiment {first}'s own area"
            : first is "models" or "staging" or "feature-store" || first.StartsWith('.') ? $"names the store's reserved area '{first}'"
            : null;
        if (problem is null && await store.FindOverlappingLocationAsync(ExperimentLocations.ProxyRoot + "/" + path) is { } other)
            problem = $"overlaps the location of experiment {other}";
        if (problem is not null) throw MlopsException.Invalid("artifact_location", $"artifact_location '{location}' {problem}; choose a location of its own");
    }

    public Task<ExperimentInfo> Get() => Task.FromResult(Current);

    public Task<ExperimentInfo> Rename(string newName)
    {
        TrackingValidation.ExperimentName(newName, "new_name");
        var current = ActiveOnly("renamed");
        return current.Name == newName ? Task.FromResult(current) : Save(current with { Name = newName });
    }

    public Task<ExperimentInfo> SetTag(string key, string value)
    {
        TrackingValidation.Key(key, "key");
        TrackingValidation.Value(value, TrackingLimits.MaxExperimentTagValueLength, "value");
        var current = ActiveOnly("tagged");
        return Save(current with { Tags = new Dictionary<string, string>(current.Tags, StringComparer.Ordinal) { [key] = value } });
    }

    public Task<ExperimentInfo> DeleteTag(string key)
    {
        TrackingValidation.Key(key, "key");
        var current = ActiveOnly("untagged");
        if (!current.Tags.ContainsKey(key)) throw MlopsException.NotFound($"experiment {Id} has no tag '{key}'");
        var tags = new Dictionary<string, string>(current.Tags, StringComparer.Ordinal);
        tags.Remove(key);
        return Save(current with { Tags = tags });
    }

    /// <summary>Deletes the experiment and, as MLflow does, marks its runs deleted (each through its own grain).</summary>
    public async Task<ExperimentInfo> Delete()
    {
        var current = ActiveOnly("deleted");
        var saved = await Save(current with { LifecycleStage = LifecycleStage.Deleted });
        await SetRunsLifecycle(LifecycleStage.Active);
        return saved;
    }

    /// <summary>Restores the experiment and its deleted runs, as MLflow does.</summary>
    public async Task<ExperimentInfo> Restore()
    {
        var current = Current;
        if (current.LifecycleStage == LifecycleStage.Active)
            throw MlopsException.Precondition($"experiment {Id} is active; only a deleted experiment can be restored");
        var saved = await Save(current with { LifecycleStage = LifecycleStage.Active });
        await SetRunsLifecycle(LifecycleStage.Deleted);
        return saved;
    }

    // The experiment row is durable first: a crash midway leaves some runs unflipped until the next restore and delete.
    private async Task SetRunsLifecycle(LifecycleStage from)
    {
        foreach (var runId in await store.ListRunIdsAsync(Id, from))
        {
            var run = GrainFactory.GetGrain<IRunGrain>(runId);
            await (from == LifecycleStage.Active ? run.Delete() : run.Restore());
        }
    }

    private string Id => this.GetPrimaryKeyString();

    private ExperimentInfo Current => _experiment ?? throw MlopsException.NotFound($"No Experiment with id={Id} exists"); // MLflow's wording

    private ExperimentInfo ActiveOnly(string verb)
    {
        var current = Current;
        if (current.LifecycleStage != LifecycleStage.Active)
            throw MlopsException.Precondition($"experiment {Id} is deleted and cannot be {verb}; restore it first");
        return current;
    }

    private async Task<ExperimentInfo> Save(ExperimentInfo next)
    {
        next = next with { LastUpdateTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        await store.WriteExperimentAsync(next, isNew: false);
        return _experiment = next;
    }

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags)
        {
            TrackingValidation.Key(key, "tags.key");
            TrackingValidation.Value(value, TrackingLimits.MaxExperimentTagValueLength, $"tags['{key}'].value");
        }
    }
}
