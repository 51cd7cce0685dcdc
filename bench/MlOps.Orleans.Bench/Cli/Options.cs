using System.Globalization;

namespace MlOps.Orleans.Bench.Cli;

/// <summary>
/// <c>--name value</c> pairs and bare <c>--flag</c>s. Every option a command reads is recorded, so a misspelt option
/// fails the run instead of silently measuring the defaults.
/// </summary>
public sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private Options(IReadOnlyList<string> positional) => Positional = positional;

    public IReadOnlyList<string> Positional { get; }

    public static Options Parse(IEnumerable<string> args)
    {
        var positional = new List<string>();
        var pairs = new List<(string, string?)>();
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null) pairs.Add((pending, null));
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0) { pairs.Add((arg[2..eq], arg[(eq + 1)..])); pending = null; }
                else pending = arg[2..];
            }
            else if (pending is not null) { pairs.Add((pending, arg)); pending = null; }
            else positional.Add(arg);
        }
        if (pending is not null) pairs.Add((pending, null));
        var options = new Options(positional);
        foreach (var (name, value) in pairs) options._values[name] = value;
        return options;
    }

    public string? String(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var v) ? v ?? throw new UsageException($"--{name} needs a value") : null;
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public bool Flag(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var v) && (v is null || bool.Parse(v));
    }

    public int Int(string name, int fallback) => String(name) is { } s ? ParseInt(name, s) : fallback;

    public double Double(string name, double fallback) =>
        String(name) is { } s
            ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new UsageException($"--{name} '{s}' is not a number")
            : fallback;

    public IReadOnlyList<int> Ints(string name, params int[] fallback) =>
        String(name) is { } s ? s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => ParseInt(name, x)).ToArray() : fallback;

    /// <summary>Call after reading every option a command knows.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException("unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
    }

    private static int ParseInt(string name, string s) =>
        int.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i : throw new UsageException($"--{name} '{s}' is not an integer");
}
