using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// SQL that brings a stored column to its declared feature type. Lossless widenings (and DATE or zoned timestamps to UTC
/// timestamps, the session being in UTC) are plain casts; anything else (strings, narrowing) is a checked cast that fails
/// the query with a message naming the view and column instead of silently turning a bad value into null.
/// </summary>
internal static class ValueCasts
{
    public static string To(string expression, string actualType, FeatureValueType declared, string context, string column)
    {
        var target = FeatureTypes.DuckDbType(declared);
        if (string.Equals(actualType, target, StringComparison.OrdinalIgnoreCase)) return expression;
        var actual = FeatureTypes.FromDuckDb(actualType);
        if (actual is { } a && (FeatureTypes.IsAssignable(declared, a) || (declared == FeatureValueType.Timestamp && a == FeatureValueType.Timestamp)))
            return $"CAST({expression} AS {target})";
        var message = $"{DuckDbErrors.CastMarker}{context}: column '{column}' holds a value that is not a {FeatureTypes.Name(declared)}: ";
        // error() inside CASE runs only for the offending rows; its argument includes the value, so it is never constant-folded.
        return $"(CASE WHEN ({expression}) IS NOT NULL AND TRY_CAST({expression} AS {target}) IS NULL " +
               $"THEN error({SqlText.Str(message)} || CAST({expression} AS VARCHAR)) ELSE TRY_CAST({expression} AS {target}) END)";
    }
}
