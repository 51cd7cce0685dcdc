using System.Globalization;
using System.Text;

namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// The canonical string form of an entity key (the values of its join keys, in the entity's join-key order), used as the
/// storage key by every backend. Each value carries a one-letter type tag, so the int64 1 and the string "1" differ, while
/// widening conversions encode equally (int32 and int64 of one number; float32 and the float64 it widens to), because a
/// key pushed as int32 must find the row materialized as int64. Values are joined by '|'; in strings '\' and '|' are
/// escaped, so no two keys share an encoding.
/// </summary>
/// <remarks>
/// Tags: <c>i</c> integer (decimal), <c>d</c> float (round-trip form), <c>b0</c>/<c>b1</c> bool, <c>s</c> string,
/// <c>x</c> bytes (base64url), <c>T</c> timestamp (UTC ticks), <c>n</c> null. Examples: <c>i1001</c>, <c>sab\|c|i7</c>.
/// </remarks>
public static class EntityKeys
{
    public const char Separator = '|';

    public static string Encode(IReadOnlyList<object?> joinKeyValues)
    {
        ArgumentNullException.ThrowIfNull(joinKeyValues);
        if (joinKeyValues.Count == 0) throw new ArgumentException("an entity key needs at least one join key value", nameof(joinKeyValues));
        var sb = new StringBuilder(16);
        for (var i = 0; i < joinKeyValues.Count; i++)
        {
            if (i > 0) sb.Append(Separator);
            Append(sb, joinKeyValues[i], i);
        }
        return sb.ToString();
    }

    /// <summary>The key of a single-value entity, without a list allocation on the hot path.</summary>
    public static string Encode(object? joinKeyValue)
    {
        var sb = new StringBuilder(16);
        Append(sb, joinKeyValue, 0);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value, int index)
    {
        switch (value)
        {
            case null: sb.Append('n'); break;
            case int v: sb.Append('i').Append(v.ToString(CultureInfo.InvariantCulture)); break;
            case long v: sb.Append('i').Append(v.ToString(CultureInfo.InvariantCulture)); break;
            case short v: sb.Append('i').Append(v.ToString(CultureInfo.InvariantCulture)); break;
            case sbyte v: sb.Append('i').Append(v.ToString(CultureInfo.InvariantCulture)); break;
            case byte v: sb.Append('i').Append(v.ToString(CultureInfo.InvariantCulture)); break;
            case ushort v: sb.Append('i').Append(v.ToString(CultureInfo.InvariantCulture)); break;
            case uint v: sb.Append('i').Append(v.ToString(CultureInfo.InvariantCulture)); break;
            case bool v: sb.Append(v ? "b1" : "b0"); break;
            // float widens to the double it is exactly equal to, so both spell the same number the same way.
            case float v: sb.Append('d').Append(((double)v).ToString("R", CultureInfo.InvariantCulture)); break;
            case double v: sb.Append('d').Append(v.ToString("R", CultureInfo.InvariantCulture)); break;
            case string v: AppendEscaped(sb.Append('s'), v); break;
            case byte[] v: sb.Append('x').Append(Convert.ToBase64String(v).TrimEnd('=').Replace('+', '-').Replace('/', '_')); break;
            case DateTime v: sb.Append('T').Append(AsUtc(v).Ticks.ToString(CultureInfo.InvariantCulture)); break;
            default:
                throw new ArgumentException($"join key value {index} has type {value.GetType().Name}, which is not a feature value type");
        }
    }

    private static void AppendEscaped(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            if (c is '\\' or Separator) sb.Append('\\');
            sb.Append(c);
        }
    }

    // Unspecified is taken as UTC: that is how the offline store and the protocols hand out naive timestamps.
    private static DateTime AsUtc(DateTime value) => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
}
