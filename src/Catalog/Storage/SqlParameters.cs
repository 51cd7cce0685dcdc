using System.Data.Common;

namespace MlOps.Orleans.Catalog.Storage;

/// <summary>Collects positional-named parameters (@p0, @p1, ...) while SQL text is being built.</summary>
public sealed class SqlParameters
{
    private readonly List<KeyValuePair<string, object?>> _values = [];

    public string Add(object? value)
    {
        var name = "@p" + _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _values.Add(new(name, value));
        return name;
    }

    public void ApplyTo(DbCommand command)
    {
        foreach (var (name, value) in _values) command.AddParameter(name, value);
    }
}
