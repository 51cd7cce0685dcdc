using Google.Protobuf;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;
using Wire = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>Column-major rows between the wire's typed values and grain frames; a value of the wrong kind is refused by position.</summary>
internal static class FrameMapper
{
    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    public static FeatureFrame FromProto(Wire.Frame frame, string field)
    {
        var columns = new List<FrameColumn>(frame.Columns.Count);
        var rows = frame.Columns.Count == 0 ? 0 : frame.Columns[0].Values.Count;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < frame.Columns.Count; c++)
        {
            var column = frame.Columns[c];
            if (column.Name.Length == 0) throw MlopsException.Invalid(Where(field, c), $"{Where(field, c)}: a column needs a name");
            if (!names.Add(column.Name)) throw MlopsException.Invalid(Where(field, c), $"{Where(field, c)}: column '{column.Name}' appears twice");
            if (ValueTypeMapper.FromProto(column.Type) is not { } type)
            {
                throw MlopsException.Invalid(Where(field, c), $"{Where(field, c)}: column '{column.Name}' needs a type ({FeatureTypes.Names})");
            }
            if (column.Values.Count != rows)
            {
                throw MlopsException.Invalid(Where(field, c), $"{Where(field, c)}: column '{column.Name}' has {column.Values.Count} values, column '{frame.Columns[0].Name}' has {rows}");
            }
            var values = new object?[rows];
            for (var r = 0; r < rows; r++) values[r] = FromProto(column.Values[r], type, column.Name, r, field, c);
            columns.Add(new FrameColumn(column.Name, type, values));
        }
        return new FeatureFrame(columns);
    }

    /// <summary>Where a column sits in the request, for errors only: building it on every call would cost each online request.</summary>
    private static string Where(string field, int column) => $"{field}.columns[{column}]";

    public static object? FromProto(Wire.Value value, FeatureValueType type, string column, int row, string field, int index) => (value.KindCase, type) switch
    {
        (Wire.Value.KindOneofCase.None, _) => null,
        (Wire.Value.KindOneofCase.Int32Val, FeatureValueType.Int32) => value.Int32Val,
        (Wire.Value.KindOneofCase.Int64Val, FeatureValueType.Int64) => value.Int64Val,
        // Small integers may arrive in the narrower field from loosely typed clients; widening loses nothing.
        (Wire.Value.KindOneofCase.Int32Val, FeatureValueType.Int64) => (long)value.Int32Val,
        (Wire.Value.KindOneofCase.FloatVal, FeatureValueType.Float32) => value.FloatVal,
        (Wire.Value.KindOneofCase.DoubleVal, FeatureValueType.Float64) => value.DoubleVal,
        (Wire.Value.KindOneofCase.FloatVal, FeatureValueType.Float64) => (double)value.FloatVal,
        (Wire.Value.KindOneofCase.BoolVal, FeatureValueType.Bool) => value.BoolVal,
        (Wire.Value.KindOneofCase.StringVal, FeatureValueType.String) => value.StringVal,
        (Wire.Value.KindOneofCase.BytesVal, FeatureValueType.Bytes) => value.BytesVal.ToByteArray(),
        (Wire.Value.KindOneofCase.TimestampMicrosVal, FeatureValueType.Timestamp) => Timestamp(value.TimestampMicrosVal, column, row, field, index),
        _ => throw MlopsException.Invalid(Where(field, index),
            $"{Where(field, index)}: column '{column}' row {row}: a {FeatureTypes.Name(type)} column holds a {KindName(value.KindCase)} value"),
    };

    private static DateTime Timestamp(long micros, string column, int row, string field, int index)
    {
        // DateTime spans years 1..9999; anything outside is a client bug, not a point in time.
        const long min = -62135596800000000L, max = 253402300799999999L;
        if (micros < min || micros > max) throw MlopsException.Invalid(Where(field, index), $"{Where(field, index)}: column '{column}' row {row}: timestamp {micros} µs is out of range");
        return Epoch.AddTicks(micros * 10);
    }

    private static string KindName(Wire.Value.KindOneofCase kind) => kind switch
    {
        Wire.Value.KindOneofCase.Int32Val => "int32",
        Wire.Value.KindOneofCase.Int64Val => "int64",
        Wire.Value.KindOneofCase.FloatVal => "float32",
        Wire.Value.KindOneofCase.DoubleVal => "float64",
        Wire.Value.KindOneofCase.BoolVal => "bool",
        Wire.Value.KindOneofCase.StringVal => "string",
        Wire.Value.KindOneofCase.BytesVal => "bytes",
        Wire.Value.KindOneofCase.TimestampMicrosVal => "timestamp",
        _ => "null",
    };

    public static Wire.Value ToProto(object? value) => value switch
    {
        null => new Wire.Value(),
        int i => new Wire.Value { Int32Val = i },
        long l => new Wire.Value { Int64Val = l },
        float f => new Wire.Value { FloatVal = f },
        double d => new Wire.Value { DoubleVal = d },
        bool b => new Wire.Value { BoolVal = b },
        string s => new Wire.Value { StringVal = s },
        byte[] bytes => new Wire.Value { BytesVal = ByteString.CopyFrom(bytes) },
        DateTime t => new Wire.Value { TimestampMicrosVal = (t.ToUniversalTime() - Epoch).Ticks / 10 },
        _ => throw new ArgumentException($"no wire value for {value.GetType().Name}", nameof(value)),
    };
}
