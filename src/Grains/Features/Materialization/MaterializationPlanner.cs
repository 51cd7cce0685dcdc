using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Grains.Features.Materialization;

/// <summary>
/// Checks a request and turns it into one task per view: the live version, its sources and entities as they are now, and
/// its window (for incremental runs: from the last successful end of that view version, else now - ttl, else 52 weeks).
/// The incremental state is per view version because a new version has new, empty online storage.
/// </summary>
internal static class MaterializationPlanner
{
    public static readonly TimeSpan DefaultLookback = TimeSpan.FromDays(7 * 52);

    public static MaterializationRequest Normalize(MaterializationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.End == default) throw MlopsException.Invalid("end", "an end time is required");
        var end = Utc(request.End);
        var start = request.Start is { } s ? Utc(s) : (DateTime?)null;
        if (request.Incremental && start is not null)
            throw MlopsException.Invalid("start", "an incremental materialization starts where the last one ended: give no start");
        if (!request.Incremental && start is null)
            throw MlopsException.Invalid("start", "a start time is required (or materialize incrementally)");
        if (start is { } st && end < st)
            throw MlopsException.Invalid("end", $"end {FeatureTypes.Format(end)} is before start {FeatureTypes.Format(st)}");
        var views = (request.Views ?? []).Select(v => v?.Trim() ?? "").ToList();
        if (views.Any(v => v.Length == 0)) throw MlopsException.Invalid("feature_views", "a feature view name is empty");
        return new MaterializationRequest(views.Distinct(StringComparer.Ordinal).ToList(), start, end, request.Incremental);
    }

    public static async Task<List<MaterializationViewTask>> PlanAsync(MaterializationRequest request, IFeatureCatalog features,
        IMaterializationCatalog catalog, DateTime now)
    {
        var definitions = new DefinitionLookup(features);
        var names = request.Views.Count > 0
            ? request.Views
            : (await features.LatestDefinitionsAsync(false)).Where(d => d.Kind == DefinitionKind.FeatureView)
                .Where(d => DefinitionJson.DeserializeFeatureView(d.SpecJson).Online).Select(d => d.Name).ToList();
        var tasks = new List<MaterializationViewTask>();
        foreach (var name in names)
        {
            var found = await definitions.FindAsync(DefinitionKind.FeatureView, name, null);
            if (found is null || found.Version.Removed) throw MlopsException.NotFound($"feature view '{name}' does not exist");
            var view = (FeatureViewSpec)found.Spec;
            var version = found.Version.Version;
            if (!view.Online)
                throw MlopsException.Precondition($"feature view '{name}' is not online (online: false); only online views can be materialized");
            var sources = new Dictionary<string, DataSourceSpec>(StringComparer.Ordinal);
            foreach (var source in view.Sources.Append(view.Source).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal))
            {
                sources[source] = await definitions.LiveAsync<DataSourceSpec>(DefinitionKind.DataSource, source)
                                  ?? throw MlopsException.Precondition($"feature view '{name}' version {version} reads source '{source}', which no longer exists");
            }
            var entities = new Dictionary<string, EntitySpec>(StringComparer.Ordinal);
            foreach (var entity in view.Entities)
            {
                entities[entity] = await definitions.LiveAsync<EntitySpec>(DefinitionKind.Entity, entity)
                                   ?? throw MlopsException.Precondition($"feature view '{name}' version {version} uses entity '{entity}', which no longer exists");
            }
            if (OnlineViewBinding.For(view, version, entities).JoinKeys.Count == 0)
                throw MlopsException.Precondition($"feature view '{name}' has no entity join keys, so its rows have no online key");
            var start = request.Start ?? await catalog.LastEndAsync(name, version) ?? now - (view.Ttl ?? DefaultLookback);
            tasks.Add(new MaterializationViewTask(view, version, start, request.End, sources, entities));
        }
        return tasks;
    }

    private static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Local => t.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        _ => t,
    };
}
