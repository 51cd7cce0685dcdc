using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>Builds a <see cref="FeatureFrame"/> row by row: declare the columns, then add rows of values.</summary>
public sealed class Frames
{
    private readonly List<(string Name, FeatureValueType Type)> _columns;
    private readonly List<object?[]> _rows = [];

    public Frames(params (string Name, FeatureValueType Type)[] columns) => _columns = [.. columns];

    public Frames Row(params object?[] values)
    {
        if (values.Length != _columns.Count) throw new ArgumentException($"expected {_columns.Count} values");
        _rows.Add(values);
        return this;
    }

    public int Count => _rows.Count;

    public FeatureFrame Build() => new(_columns.Select((c, i) => new FrameColumn(c.Name, c.Type, _rows.Select(r => r[i]).ToList())).ToList());
}
