using MlOps.Orleans.Features.Transforms;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Checks of on-demand views: inputs exist, no view depends on itself (directly or through other on-demand views), and
/// every output compiles against its inputs' declared types, exactly as retrieval and serving will compile it.
/// </summary>
internal static class OnDemandChecks
{
    public static void CheckAll(ValidationContext context)
    {
        var inCycle = Cycles(context);
        foreach (var view in context.Repository.OnDemandViews)
        {
            var inputsOk = CheckInputs(context, view, inCycle);
            FieldChecks.Check(context, view, view.RequestSchema, "request field");
            FieldChecks.Check(context, view, view.Outputs.Select(o => o.Field).ToList(), "output");
            if (inputsOk && !inCycle.Contains(view.Name))
            {
                Compile(context, view);
            }
        }
    }

    private static bool CheckInputs(ValidationContext context, OnDemandFeatureViewSpec view, HashSet<string> inCycle)
    {
        var ok = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in view.Inputs)
        {
            if (!seen.Add(input))
            {
                context.Error(view, $"lists input '{input}' twice");
            }
            else if (context.FeaturesOf(input) is null)
            {
                context.Error(view, $"names unknown input view '{input}'");
                ok = false;
            }
            else if (context.OnDemand.ContainsKey(input) && !inCycle.Contains(view.Name) && !inCycle.Contains(input))
            {
                // Retrieval evaluates on-demand views side by side over feature-view values; a chain would need ordering.
                context.Error(view, $"reads on-demand view '{input}': inputs must be feature views (on-demand views cannot read each other yet)");
            }
        }
        return ok;
    }

    private static void Compile(ValidationContext context, OnDemandFeatureViewSpec view)
    {
        var inputTypes = new Dictionary<string, FeatureValueType>(StringComparer.Ordinal);
        foreach (var input in view.Inputs)
        {
            foreach (var feature in context.FeaturesOf(input) ?? [])
            {
                inputTypes.TryAdd($"{input}__{feature.Name}", feature.Type);
            }
        }
        try
        {
            CompiledOnDemandView.Compile(view, inputTypes);
        }
        catch (FeatureDefinitionException e)
        {
            foreach (var error in e.Errors)
            {
                context.Error(view, error.Reason);
            }
        }
    }

    /// <summary>
    /// Finds every cycle among on-demand views and reports each once, with its path, on the first view of the cycle in name
    /// order. Returns the names of all views on a cycle, which are not compiled (their input types are not well defined).
    /// </summary>
    private static HashSet<string> Cycles(ValidationContext context)
    {
        var onCycle = new HashSet<string>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var name in context.OnDemand.Keys.Order(StringComparer.Ordinal))
        {
            Visit(name);
        }
        return onCycle;

        void Visit(string name)
        {
            if (done.Contains(name))
            {
                return;
            }
            var at = path.IndexOf(name);
            if (at >= 0)
            {
                var cycle = path.Skip(at).ToList();
                onCycle.UnionWith(cycle);
                // Rotate so the cycle starts at its smallest name: the same cycle then reads the same whichever way it was found.
                var start = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
                var rotated = cycle.Skip(start).Concat(cycle.Take(start)).ToList();
                if (reported.Add(string.Join(",", rotated)))
                {
                    context.Error(context.OnDemand[rotated[0]],
                        $"is part of a cycle of on-demand views: {string.Join(" -> ", rotated.Append(rotated[0]))}");
                }
                return;
            }
            path.Add(name);
            foreach (var input in context.OnDemand[name].Inputs.Where(context.OnDemand.ContainsKey))
            {
                Visit(input);
            }
            path.RemoveAt(path.Count - 1);
            done.Add(name);
        }
    }
}
