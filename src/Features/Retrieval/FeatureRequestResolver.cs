using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Retrieval;

/// <summary>
/// Turns feature references or a feature service into views at versions and output names — the same for offline and online
/// retrieval, so a model sees identical column names in training and serving.
/// </summary>
public sealed class FeatureRequestResolver(Func<DefinitionKind, string, int?, Task<DefinitionView?>> lookup)
{
    private readonly Dictionary<string, (FeatureViewSpec Spec, int Version, List<ResolvedFeature> Features)> _views = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (OnDemandFeatureViewSpec Spec, int Version, List<ResolvedFeature> Outputs)> _onDemand = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);

    public async Task<ResolvedRequest> ResolveAsync(IReadOnlyList<string> features, string featureService, bool fullNames)
    {
        if (features.Count > 0 && featureService.Length > 0) throw MlopsException.Invalid("features", "name features or a feature service, not both");
        if (features.Count == 0 && featureService.Length == 0) throw MlopsException.Invalid("features", "name at least one feature or a feature service");
        var lineage = new List<DefinitionRef>();
        if (featureService.Length > 0)
        {
            var service = await lookup(DefinitionKind.FeatureService, featureService, null)
                          ?? throw MlopsException.NotFound($"feature service '{featureService}' does not exist");
            lineage.Add(new DefinitionRef(DefinitionKind.FeatureService, featureService, service.Version.Version));
            foreach (var p in ((FeatureServiceSpec)service.Spec).Projections)
            {
                await AddProjectionAsync(p.View, p.Version, p.Features.Count == 0 || p.Features is ["*"] ? null : p.Features, fullNames, $"feature service '{featureService}'");
            }
        }
        else
        {
            for (var i = 0; i < features.Count; i++)
            {
                var r = FeatureRef.Parse(features[i], $"features[{i}]");
                await AddProjectionAsync(r.View, r.Version, r.Feature == "*" ? null : [r.Feature], fullNames, $"features[{i}]");
            }
        }
        // On-demand views read their input views; fetch those even when none of their features is asked for.
        foreach (var (_, odfv) in _onDemand)
        {
            foreach (var input in odfv.Spec.Inputs)
            {
                if (!_views.ContainsKey(input)) await GetViewAsync(input, null, $"on-demand view '{odfv.Spec.Name}'");
            }
        }
        var views = _order.Where(_views.ContainsKey).Select(n => new ResolvedView(_views[n].Spec, _views[n].Version, _views[n].Features)).ToList();
        var onDemand = _order.Where(_onDemand.ContainsKey).Select(n => new ResolvedOnDemand(_onDemand[n].Spec, _onDemand[n].Version, _onDemand[n].Outputs)).ToList();
        lineage.AddRange(views.Select(v => new DefinitionRef(DefinitionKind.FeatureView, v.Spec.Name, v.Version)));
        lineage.AddRange(onDemand.Select(v => new DefinitionRef(DefinitionKind.OnDemandFeatureView, v.Spec.Name, v.Version)));
        return new ResolvedRequest(views, onDemand, lineage, featureService);
    }

    private async Task AddProjectionAsync(string viewName, int? version, IReadOnlyList<string>? names, bool fullNames, string where)
    {
        var view = await lookup(DefinitionKind.FeatureView, viewName, version);
        if (view is not null && (version is not null || !view.Version.Removed))
        {
            var entry = await GetViewAsync(viewName, version, where);
            foreach (var f in names ?? entry.Spec.Schema.Select(s => s.Name).ToList())
            {
                if (!entry.Spec.Schema.Any(s => s.Name == f))
                {
                    throw MlopsException.Invalid("features", $"{where}: feature view '{viewName}' (version {entry.Version}) has no feature '{f}'");
                }
                Add(entry.Features, viewName, f, fullNames, where);
            }
            return;
        }
        var odfv = await lookup(DefinitionKind.OnDemandFeatureView, viewName, version);
        if (odfv is null || (version is null && odfv.Version.Removed))
        {
            throw MlopsException.NotFound(version is null
                ? $"{where}: no feature view or on-demand feature view is named '{viewName}'"
                : $"{where}: '{viewName}' has no version {version}");
        }
        var spec = (OnDemandFeatureViewSpec)odfv.Spec;
        if (!_onDemand.TryGetValue(viewName, out var od))
        {
            od = (spec, odfv.Version.Version, []);
            _onDemand[viewName] = od;
            _order.Add(viewName);
        }
        else if (od.Version != odfv.Version.Version)
        {
            throw MlopsException.Invalid("features", $"{where}: on-demand view '{viewName}' is asked for at versions {od.Version} and {odfv.Version.Version}");
        }
        foreach (var f in names ?? spec.Outputs.Select(o => o.Field.Name).ToList())
        {
            if (!spec.Outputs.Any(o => o.Field.Name == f)) throw MlopsException.Invalid("features", $"{where}: on-demand view '{viewName}' has no output '{f}'");
            Add(od.Outputs, viewName, f, fullNames, where);
        }
    }

    private async Task<(FeatureViewSpec Spec, int Version, List<ResolvedFeature> Features)> GetViewAsync(string name, int? version, string where)
    {
        var found = await lookup(DefinitionKind.FeatureView, name, version);
        if (found is null || (version is null && found.Version.Removed))
        {
            throw MlopsException.NotFound(version is null ? $"{where}: feature view '{name}' does not exist" : $"{where}: feature view '{name}' has no version {version}");
        }
        if (_views.TryGetValue(name, out var existing))
        {
            if (version is not null && existing.Version != found.Version.Version)
            {
                throw MlopsException.Invalid("features", $"{where}: feature view '{name}' is asked for at versions {existing.Version} and {found.Version.Version}");
            }
            return existing;
        }
        var entry = ((FeatureViewSpec)found.Spec, found.Version.Version, new List<ResolvedFeature>());
        _views[name] = entry;
        _order.Add(name);
        return entry;
    }

    private void Add(List<ResolvedFeature> into, string view, string feature, bool fullNames, string where)
    {
        var output = fullNames ? $"{view}__{feature}" : feature;
        var owner = $"{view}:{feature}";
        if (_outputs.TryGetValue(output, out var previous))
        {
            if (previous == owner) return;
            throw MlopsException.Invalid("features", $"{where}: output column '{output}' would come from both '{previous}' and '{owner}'; set full_feature_names");
        }
        _outputs[output] = owner;
        into.Add(new ResolvedFeature(feature, output));
    }
}
