using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Grains.Features;

/// <summary>
/// Plans and applies a workspace's whole feature repository. Being one activation per workspace serializes applies; the catalog's
/// revision check still guards a plan made elsewhere (expected_revision) and a duplicate activation during a membership change.
/// </summary>
public sealed class FeatureRegistryGrain(
    IFeatureCatalog catalog, OfflineStoreOptions offline, IOnlineStore online, OnlineServingOptions serving, ILogger<FeatureRegistryGrain> logger)
    : Grain, IFeatureRegistryGrain
{
    public async Task<PlanResult> Plan(IReadOnlyList<RepositoryFile> files)
    {
        var (revision, validation, plan) = await PrepareAsync(files);
        return new PlanResult(plan?.Changes ?? [], validation.Errors, validation.Warnings, revision);
    }

    public async Task<PlanResult> Apply(IReadOnlyList<RepositoryFile> files, long expectedRevision, string userId)
    {
        var (revision, validation, plan) = await PrepareAsync(files);
        if (validation.Errors.Count > 0 || plan is null)
        {
            const int shown = 20;
            var lines = validation.Errors.Take(shown).Select(e => e.ToString()).ToList();
            if (validation.Errors.Count > shown) lines.Add($"... and {validation.Errors.Count - shown} more (Plan lists them all)");
            throw MlopsException.Invalid("files", $"the feature repository has {validation.Errors.Count} error(s); nothing was applied:\n" + string.Join("\n", lines));
        }
        if (expectedRevision != 0 && expectedRevision != revision)
        {
            throw MlopsException.Precondition($"the feature repository changed since the plan (revision {expectedRevision} planned, {revision} now): plan again");
        }
        if (plan.Writes.Count == 0) return new PlanResult(plan.Changes, [], validation.Warnings, revision);

        var writes = await NumberRecreatedAsync(plan.Writes);
        var changes = JsonSerializer.Serialize(plan.Changes.Where(c => c.Action != PlanAction.Unchanged)
            .Select(c => new { kind = DefinitionKinds.YamlName(c.Kind), name = c.Name, action = c.Action.ToString(), from = c.FromVersion, to = c.ToVersion, details = c.Details }));
        var applied = await catalog.ApplyDefinitionsAsync(revision, writes, userId, changes);
        logger.LogInformation("Feature repository revision {Revision}: {Count} change(s) by {User}", applied, writes.Count, userId.Length == 0 ? "anonymous" : userId);

        // Views hold decoded versions while active; tell the changed ones to read the catalog again.
        await Task.WhenAll(writes.Where(w => w.Kind == DefinitionKind.FeatureView)
            .Select(w => GrainFactory.GetGrain<IFeatureViewGrain>(w.Name).Invalidate()));
        await DropReplacedOnlineDataAsync(writes);
        var renumbered = writes.ToDictionary(w => (w.Kind, w.Name), w => w.Version);
        var reported = plan.Changes.Select(c => renumbered.TryGetValue((c.Kind, c.Name), out var v) && c.Action is PlanAction.Create ? c with { ToVersion = v } : c).ToList();
        return new PlanResult(reported, [], validation.Warnings, applied);
    }

    /// <summary>
    /// A view version replaced or removed leaves its online rows unreachable at once (the store drops them without a scan) and
    /// forgotten by every shard of its key space. The apply is already committed: a store that is down only delays the space.
    /// </summary>
    private async Task DropReplacedOnlineDataAsync(IReadOnlyList<DefinitionWrite> writes)
    {
        foreach (var w in writes.Where(w => w.Kind == DefinitionKind.FeatureView && w.Action is PlanAction.NewVersion or PlanAction.Remove))
        {
            var oldVersion = w.Action == PlanAction.Remove ? w.Version : w.Version - 1;
            var old = await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, w.Name, oldVersion);
            if (old is null || DefinitionJson.Deserialize(old.Kind, old.SpecJson) is not FeatureViewSpec { Online: true } spec) continue;
            var key = new OnlineViewKey(w.Name, oldVersion);
            try
            {
                await online.DropViewAsync(key, CancellationToken.None);
            }
            catch (OnlineStoreUnavailableException e)
            {
                logger.LogWarning("Online rows of {View} stay until the store answers again: {Error}", key, e.Message);
            }
            var space = OnlineViewBinding.KeySpaceOf(spec);
            await Task.WhenAll(Enumerable.Range(0, serving.ShardCount)
                .Select(s => GrainFactory.GetGrain<IOnlineFeatureShardGrain>(OnlineShards.GrainKey(space, s)).Forget(key)));
        }
    }

    private async Task<(long Revision, RepositoryValidation Validation, RepositoryPlan? Plan)> PrepareAsync(IReadOnlyList<RepositoryFile> files)
    {
        if (files.Count == 0) throw MlopsException.Invalid("files", "a repository needs at least one file");
        if (files.Count > 1000) throw MlopsException.Invalid("files", "a repository may hold at most 1000 files");
        if (files.Sum(f => (long)f.Content.Length) > 16L * 1024 * 1024) throw MlopsException.Invalid("files", "a repository may hold at most 16 MiB of YAML");
        // The revision is read before the definitions: if an apply lands in between, the catalog refuses ours.
        var revision = await catalog.CurrentRevisionAsync();
        var parsed = RepositoryParser.Parse(files);
        var validation = RepositoryValidator.Validate(parsed, offline.SourceRoots);
        if (validation.Errors.Count > 0) return (revision, validation, null);
        var current = await catalog.LatestDefinitionsAsync(includeRemoved: false);
        return (revision, validation, RepositoryPlanner.Plan(parsed.Repository, current));
    }

    /// <summary>
    /// An object removed earlier and defined again continues its version numbers, so "view@2" never names two different things.
    /// </summary>
    private async Task<IReadOnlyList<DefinitionWrite>> NumberRecreatedAsync(IReadOnlyList<PlannedWrite> writes)
    {
        var removed = (await catalog.LatestDefinitionsAsync(includeRemoved: true)).Where(d => d.Removed).ToDictionary(d => (d.Kind, d.Name), d => d.Version);
        return writes.Select(w => new DefinitionWrite(w.Kind, w.Name, w.Action,
            w.Action == PlanAction.Create && removed.TryGetValue((w.Kind, w.Name), out var last) ? last + 1 : w.Version, w.Digest, w.SpecJson)).ToList();
    }
}
