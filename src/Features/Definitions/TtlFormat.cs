using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Durations as written in a feature repository: <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>, <c>1w</c> and combinations
/// (<c>1d12h</c>), a bare number of seconds, or ISO-8601 (<c>P1DT2H</c>, <c>PT30M</c>, <c>P2W</c>). Years and months are
/// refused because their length varies. A leading '-' parses (so the validator can name the negative ttl) and zero means
/// "no limit" (null), as in Feast.
/// </summary>
public static partial class TtlFormat
{
    public static bool TryParse(string? text, out TimeSpan? ttl, out string error)
    {
        ttl = null;
        error = "";
        var s = (text ?? "").Trim();
        if (s.Length == 0)
        {
            return true;
        }
        var negative = s.StartsWith('-');
        var body = negative ? s[1..].TrimStart() : s;
        TimeSpan? value = null;
        if (double.TryParse(body, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            value = FromUnits(seconds, TimeSpan.TicksPerSecond);
        }
        else if (ShortForm().Match(body) is { Success: true } shortMatch)
        {
            value = Sum(shortMatch.Groups["n"].Captures, shortMatch.Groups["u"].Captures);
        }
        else if (IsoForm().Match(body) is { Success: true } iso && iso.Length > 1 && !body.EndsWith('T'))
        {
            value = Iso(iso);
        }
        if (value is not { } v)
        {
            error = $"'{s}' is not a duration; write e.g. 90s, 15m, 2h, 1d, 1w, 1d12h, a number of seconds, or ISO-8601 like P1DT2H";
            return false;
        }
        ttl = v == TimeSpan.Zero ? null : negative ? -v : v;
        return true;
    }

    /// <summary>A short form for plan details: the largest whole units (<c>1d12h</c>), or <c>none</c> for no limit.</summary>
    public static string Format(TimeSpan? ttl)
    {
        if (ttl is not { } t)
        {
            return "none";
        }
        var text = new StringBuilder(t < TimeSpan.Zero ? "-" : "");
        var rest = t.Duration();
        foreach (var (unit, ticks) in Units.Where(u => u.Unit != "s"))
        {
            var count = rest.Ticks / ticks;
            if (count > 0 && (unit != "w" || rest.Ticks % ticks == 0))
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest = TimeSpan.FromTicks(rest.Ticks - count * ticks);
            }
        }
        if (rest.Ticks > 0)
        {
            text.Append((rest.Ticks / (double)TimeSpan.TicksPerSecond).ToString("R", CultureInfo.InvariantCulture)).Append('s');
        }
        return text.ToString();
    }

    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("w", TimeSpan.TicksPerDay * 7), ("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond),
    ];

    private static TimeSpan? Sum(CaptureCollection numbers, CaptureCollection units)
    {
        var total = TimeSpan.Zero;
        for (var i = 0; i < numbers.Count; i++)
        {
            var ticks = Units.First(u => string.Equals(u.Unit, units[i].Value, StringComparison.OrdinalIgnoreCase)).Ticks;
            if (FromUnits(double.Parse(numbers[i].Value, CultureInfo.InvariantCulture), ticks) is not { } part)
            {
                return null;
            }
            total += part;
        }
        return total;
    }

    private static TimeSpan? Iso(Match m)
    {
        var total = TimeSpan.Zero;
        foreach (var (group, ticks) in new[]
        {
            ("w", TimeSpan.TicksPerDay * 7), ("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour),
            ("min", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond),
        })
        {
            if (m.Groups[group].Success)
            {
                if (FromUnits(double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture), ticks) is not { } part)
                {
                    return null;
                }
                total += part;
            }
        }
        return total;
    }

    /// <summary>Refuses durations beyond what a TimeSpan holds (about 29,000 years) instead of overflowing.</summary>
    private static TimeSpan? FromUnits(double count, long ticksPerUnit)
    {
        var ticks = count * ticksPerUnit;
        return double.IsFinite(ticks) && ticks < TimeSpan.MaxValue.Ticks / 2 ? TimeSpan.FromTicks((long)Math.Round(ticks)) : null;
    }

    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d+)?)\s*(?<u>[wdhms]))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShortForm();

    [GeneratedRegex(@"^P(?:(?<w>\d+(?:\.\d+)?)W)?(?:(?<d>\d+(?:\.\d+)?)D)?(?:T(?:(?<h>\d+(?:\.\d+)?)H)?(?:(?<min>\d+(?:\.\d+)?)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IsoForm();
}
