using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>A view a push source feeds, with how its rows are keyed online.</summary>
public sealed record FedView(OnlineViewBinding Binding, bool Online)
{
    public IReadOnlyList<FieldSpec> JoinKeys => Binding.JoinKeys;
}

/// <summary>Turning pushed rows into online rows of the views the source feeds.</summary>
public static class OnlinePushes
{
    public static async Task<IReadOnlyList<FedView>> ViewsFedByAsync(IFeatureCatalog catalog, string source)
    {
        var specs = (await catalog.LatestDefinitionsAsync(false)).Select(d => (d, Spec: DefinitionJson.Deserialize(d.Kind, d.SpecJson))).ToList();
        var entities = specs.Select(s => s.Spec).OfType<EntitySpec>().ToDictionary(e => e.Name, StringComparer.Ordinal);
        var fed = new List<FedView>();
        foreach (var (stored, spec) in specs)
        {
            if (spec is FeatureViewSpec view && (view.Source == source || view.Sources.Contains(source)))
            {
                fed.Add(new FedView(OnlineViewBinding.For(view, stored.Version, entities), view.Online));
            }
        }
        return fed;
    }

    /// <summary>One online row per pushed row: keyed by the view's join keys, its features by name (absent columns are null).</summary>
    public static IReadOnlyList<KeyValuePair<string, OnlineRow>> Rows(OnlineViewBinding binding, FeatureFrame rows, string timestampField, string createdField)
    {
        FrameColumn? Find(string name) => rows.Columns.FirstOrDefault(c => c.Name == name);
        var keys = binding.JoinKeys.Select(k => Find(k.Name)!).ToList();
        var features = binding.Layout.Features.Select(f => Find(f.Name)).ToList();
        var ts = Find(timestampField)!;
        var created = createdField.Length > 0 ? Find(createdField) : null;
        var result = new List<KeyValuePair<string, OnlineRow>>(rows.RowCount);
        var keyValues = new object?[keys.Count];
        for (var r = 0; r < rows.RowCount; r++)
        {
            for (var k = 0; k < keys.Count; k++) keyValues[k] = keys[k].Values[r];
            var values = new object?[features.Count];
            for (var f = 0; f < features.Count; f++) values[f] = features[f]?.Values[r];
            var key = keys.Count == 1 ? EntityKeys.Encode(keyValues[0]) : EntityKeys.Encode(keyValues);
            result.Add(new(key, new OnlineRow((DateTime)ts.Values[r]!, created?.Values[r] as DateTime?, values)));
        }
        return result;
    }
}
