using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Retrieval;
using MlOps.Orleans.Features.Transforms;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Online.Retrieval;

/// <summary>Where an on-demand input comes from: a view's feature (view index, feature index) or a request field.</summary>
public sealed record OnDemandInput(int View, int Feature, string RequestField, FeatureValueType RequestType = FeatureValueType.Unspecified);

/// <summary>An on-demand view of an online request: compiled once, its inputs located, its chosen outputs.</summary>
public sealed record PlannedOnDemand(CompiledOnDemandView View, IReadOnlyList<OnDemandInput> Inputs, IReadOnlyList<int> Outputs, IReadOnlyList<string> OutputNames);

/// <summary>
/// A resolved online request, reused while definitions are cached: the same resolution as offline retrieval (same names, same
/// transformations), restricted to views that are online. The views part is a contract (<see cref="OnlinePlannedView"/>), so a
/// standalone gateway reads the shards from the same plan (<see cref="ForGateway"/>); on-demand views stay here, compiled.
/// </summary>
public sealed record OnlineRequestPlan(IReadOnlyList<OnlinePlannedView> Views, IReadOnlyList<PlannedOnDemand> OnDemand)
{
    public IReadOnlyList<OnlineKeySpace> KeySpaces { get; } = OnlineKeySpace.Of(Views);

    /// <summary>What a gateway needs of this plan to read the shards itself.</summary>
    public OnlinePlan ForGateway(long revision, OnlineServingOptions serving) =>
        new(Views, OnDemand.Count > 0, revision, serving.ShardCount, serving.DefinitionCacheTime);

    public static async Task<OnlineRequestPlan> BuildAsync(ResolvedRequest resolved, Func<string, Task<EntitySpec?>> entity)
    {
        var entities = new Dictionary<string, EntitySpec>(StringComparer.Ordinal);
        var views = new List<OnlinePlannedView>();
        var viewIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var inputTypes = new Dictionary<string, FeatureValueType>(StringComparer.Ordinal);
        foreach (var view in resolved.Views)
        {
            if (!view.Spec.Online)
            {
                throw MlopsException.Precondition($"feature view '{view.Spec.Name}' is not online (set online: true and materialize it)");
            }
            foreach (var name in view.Spec.Entities)
            {
                entities[name] = await entity(name) ?? throw MlopsException.Precondition($"feature view '{view.Spec.Name}' uses entity '{name}', which no longer exists");
            }
            var binding = OnlineViewBinding.For(view.Spec, view.Version, entities);
            var schema = view.Spec.Schema.Select(f => f.Name).ToList();
            viewIndex[view.Spec.Name] = views.Count;
            views.Add(new OnlinePlannedView(binding.Layout, binding.JoinKeys, view.Features.Select(f => schema.IndexOf(f.Name)).ToList(), view.Features.Select(f => f.OutputName).ToList()));
            foreach (var f in view.Spec.Schema) inputTypes[$"{view.Spec.Name}__{f.Name}"] = f.Type;
        }
        var onDemand = new List<PlannedOnDemand>();
        foreach (var od in resolved.OnDemand)
        {
            var types = new Dictionary<string, FeatureValueType>(inputTypes, StringComparer.Ordinal);
            foreach (var f in od.Spec.RequestSchema) types[f.Name] = f.Type;
            var compiled = CompiledOnDemandView.Compile(od.Spec, types);
            var inputs = compiled.InputNames.Select(name =>
            {
                var split = name.IndexOf("__", StringComparison.Ordinal);
                if (split > 0 && viewIndex.TryGetValue(name[..split], out var v))
                {
                    var feature = views[v].Layout.Features.Select(f => f.Name).ToList().IndexOf(name[(split + 2)..]);
                    if (feature >= 0) return new OnDemandInput(v, feature, "");
                }
                return new OnDemandInput(-1, -1, name, types.TryGetValue(name, out var declared) ? declared : FeatureValueType.Unspecified);
            }).ToList();
            var outputs = compiled.Outputs.Select(o => o.Name).ToList();
            onDemand.Add(new PlannedOnDemand(compiled, inputs, od.Outputs.Select(o => outputs.IndexOf(o.Name)).ToList(), od.Outputs.Select(o => o.OutputName).ToList()));
        }
        return new OnlineRequestPlan(views, onDemand);
    }
}
