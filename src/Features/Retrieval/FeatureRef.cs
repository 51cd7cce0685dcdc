using System.Globalization;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Features.Retrieval;

/// <summary>A parsed feature reference: <c>view:feature</c>, <c>view@2:feature</c> or <c>view@v2:feature</c>.</summary>
public sealed record FeatureRef(string View, int? Version, string Feature)
{
    public static FeatureRef Parse(string text, string field)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1 || text.IndexOf(':', colon + 1) >= 0)
        {
            throw MlopsException.Invalid(field, $"feature reference '{text}' is not 'view:feature' (or 'view@2:feature')");
        }
        var view = text[..colon];
        var feature = text[(colon + 1)..];
        int? version = null;
        var at = view.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var number = view[(at + 1)..];
            if (number.StartsWith('v') || number.StartsWith('V')) number = number[1..];
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v <= 0)
            {
                throw MlopsException.Invalid(field, $"feature reference '{text}': '{view[(at + 1)..]}' is not a version (use view@2 or view@v2)");
            }
            version = v;
            view = view[..at];
        }
        if (view.Length == 0) throw MlopsException.Invalid(field, $"feature reference '{text}' names no view");
        return new FeatureRef(view, version, feature);
    }
}
