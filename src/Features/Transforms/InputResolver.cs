using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// Maps the names written in expressions to canonical input names: <c>view__feature</c> for a feature of an input view,
/// the bare name for a request field. A bare feature name is accepted when exactly one input carries it, so renaming or
/// adding an input view can never silently change which value an existing expression reads: it becomes ambiguous instead.
/// </summary>
internal sealed class InputResolver
{
    private const string Separator = "__";

    private readonly Dictionary<string, FeatureValueType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> _views;

    public InputResolver(OnDemandFeatureViewSpec spec, IReadOnlyDictionary<string, FeatureValueType> inputTypes)
    {
        _views = new HashSet<string>(spec.Inputs, StringComparer.Ordinal);
        foreach (var field in spec.RequestSchema)
        {
            // The spec's request schema is the declaration; inputTypes may repeat it but does not override it.
            if (_types.TryAdd(field.Name, field.Type))
            {
                Index(field.Name, field.Name);
            }
        }
        foreach (var (key, type) in inputTypes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var feature = FeatureOf(key);
            if (feature is not null && _types.TryAdd(key, type))
            {
                Index(key, key);
                Index(feature, key);
            }
        }
    }

    public FeatureValueType TypeOf(string canonical) => _types[canonical];

    /// <summary>The canonical input an identifier names, or an <see cref="ExpressionException"/> saying why there is none.</summary>
    public string Resolve(string identifier)
    {
        if (_byName.TryGetValue(identifier, out var candidates))
        {
            if (candidates.Count == 1)
            {
                return candidates[0];
            }
            throw new ExpressionException(
                $"name '{identifier}' is ambiguous: it could be {string.Join(" or ", candidates)}; write the full view__feature name");
        }
        var at = identifier.IndexOf(Separator, StringComparison.Ordinal);
        if (at > 0 && at + Separator.Length < identifier.Length)
        {
            var view = identifier[..at];
            var feature = identifier[(at + Separator.Length)..];
            if (_views.Contains(view))
            {
                throw new ExpressionException($"unknown name '{identifier}': input view '{view}' has no feature '{feature}'");
            }
        }
        var known = _byName.Keys.Order(StringComparer.Ordinal).Take(30).ToList();
        var hint = known.Count == 0 ? "this view has no inputs" : "known names: " + string.Join(", ", known);
        throw new ExpressionException($"unknown name '{identifier}' ({hint})");
    }

    /// <summary>The feature part of a canonical key of one of this view's inputs, or null for keys of other views.</summary>
    private string? FeatureOf(string key)
    {
        // Longest view prefix first, so view "a__b" feature "c" wins over view "a" feature "b__c" for key "a__b__c".
        string? best = null;
        foreach (var view in _views)
        {
            var prefix = view + Separator;
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal)
                && (best is null || view.Length > best.Length))
            {
                best = view;
            }
        }
        return best is null ? null : key[(best.Length + Separator.Length)..];
    }

    private void Index(string name, string canonical)
    {
        if (!_byName.TryGetValue(name, out var list))
        {
            _byName[name] = list = [];
        }
        if (!list.Contains(canonical, StringComparer.Ordinal))
        {
            list.Add(canonical);
        }
    }
}
