using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Compares a desired repository with the live definitions and decides, per object, what an apply does: Create (version 1),
/// Update (only metadata changed: same version, new JSON), NewVersion (the versioned part changed: previous + 1), Remove, or
/// nothing. Versions are compared by <see cref="DefinitionDigest"/>, so only a real change of the versioned part bumps one.
/// The result is ordered by kind (entity, source, feature view, on-demand view, service) and then name.
/// </summary>
public static class RepositoryPlanner
{
    /// <param name="desired">A validated repository (the first of duplicated names wins).</param>
    /// <param name="current">The latest version of each object; entries marked removed count as absent, and an object
    /// created again after removal continues its version numbers.</param>
    public static RepositoryPlan Plan(FeatureRepository desired, IReadOnlyList<DefinitionVersion> current)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(current);
        var live = new Dictionary<(DefinitionKind, string), DefinitionVersion>();
        foreach (var version in current)
        {
            var key = (version.Kind, version.Name);
            if (!live.TryGetValue(key, out var known) || version.Version > known.Version)
            {
                live[key] = version;
            }
        }
        var wanted = new Dictionary<(DefinitionKind, string), object>();
        foreach (var spec in Specs(desired))
        {
            wanted.TryAdd((DefinitionJson.KindOf(spec), DefinitionJson.NameOf(spec)), spec);
        }

        var changes = new List<PlanChange>();
        var writes = new List<PlannedWrite>();
        var keys = wanted.Keys.Concat(live.Where(p => !p.Value.Removed).Select(p => p.Key)).Distinct()
            .OrderBy(k => k.Item1).ThenBy(k => k.Item2, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var (kind, name) = key;
            live.TryGetValue(key, out var before);
            if (!wanted.TryGetValue(key, out var spec))
            {
                changes.Add(new PlanChange(kind, name, PlanAction.Remove, before!.Version, before.Version, ["removed"]));
                writes.Add(new PlannedWrite(kind, name, PlanAction.Remove, before.Version, before.Digest, before.SpecJson));
                continue;
            }
            var json = DefinitionJson.Serialize(spec);
            var digest = DefinitionDigest.Compute(spec);
            if (before is null || before.Removed)
            {
                var version = (before?.Version ?? 0) + 1;
                changes.Add(new PlanChange(kind, name, PlanAction.Create, before?.Version ?? 0, version,
                    before is null ? ["created"] : [$"created again after removal of v{before.Version}"]));
                writes.Add(new PlannedWrite(kind, name, PlanAction.Create, version, digest, json));
                continue;
            }
            var action = digest != before.Digest ? PlanAction.NewVersion
                : json != before.SpecJson ? PlanAction.Update
                : PlanAction.Unchanged;
            var to = action == PlanAction.NewVersion ? before.Version + 1 : before.Version;
            var details = action == PlanAction.Unchanged ? [] : DefinitionDiff.Describe(kind, before.SpecJson, spec);
            changes.Add(new PlanChange(kind, name, action, before.Version, to, details));
            if (action != PlanAction.Unchanged)
            {
                writes.Add(new PlannedWrite(kind, name, action, to, digest, json));
            }
        }
        return new RepositoryPlan(changes, writes);
    }

    private static IEnumerable<object> Specs(FeatureRepository repository) =>
        repository.Entities.Cast<object>()
            .Concat(repository.Sources)
            .Concat(repository.FeatureViews)
            .Concat(repository.OnDemandViews)
            .Concat(repository.Services);
}
