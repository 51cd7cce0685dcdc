using System.Globalization;
using System.Text.RegularExpressions;

namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// Numeric literals as MLflow accepts them. The shape is checked before double.TryParse because the runtime
/// also takes "NaN", "Infinity", thousands separators and a leading '+', none of which are literals here.
/// </summary>
internal static partial class NumberLiteral
{
    public static bool IsNumber(string text) => Shape().IsMatch(text);

    public static bool TryParse(string text, out double value)
    {
        value = 0;
        return IsNumber(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    [GeneratedRegex(@"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
