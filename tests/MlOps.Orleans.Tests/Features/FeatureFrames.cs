using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Tests.Features;

/// <summary>Wire values, columns and frames for feature store tests, spelled briefly.</summary>
public static class FeatureFrames
{
    public static Feat.Value Ts(DateTime t) => new() { TimestampMicrosVal = (t - DateTime.UnixEpoch).Ticks / 10 };

    public static Feat.Value I64(long v) => new() { Int64Val = v };

    public static Feat.Value F64(double v) => new() { DoubleVal = v };

    public static Feat.Value Str(string v) => new() { StringVal = v };

    public static Feat.Column Column(string name, Feat.ValueType type, params Feat.Value[] values)
    {
        var c = new Feat.Column { Name = name, Type = type };
        c.Values.AddRange(values);
        return c;
    }

    public static Feat.Frame Frame(params Feat.Column[] columns)
    {
        var f = new Feat.Frame();
        f.Columns.AddRange(columns);
        return f;
    }
}
