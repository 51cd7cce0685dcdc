using System.Globalization;
using System.Text.Json;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Gateway.Feast;

/// <summary>
/// Feast's JSON column dictionaries (<c>{"col": [v, ...]}</c>) to typed frames. A column's type comes from the schema the caller
/// knows (a source's or a view's); without one it is read off the JSON: integers int64, other numbers float64, strings, booleans.
/// Timestamps are ISO-8601 strings (or numbers of seconds since the epoch).
/// </summary>
internal static class FeastJson
{
    public static FeatureFrame Frame(JsonElement columns, string field, IReadOnlyDictionary<string, FeatureValueType>? schema = null)
    {
        if (columns.ValueKind != JsonValueKind.Object) throw MlopsException.Invalid(field, $"{field} must be an object of columns: {{\"name\": [values]}}");
        var result = new List<FrameColumn>();
        int? rows = null;
        foreach (var column in columns.EnumerateObject())
        {
            if (column.Value.ValueKind != JsonValueKind.Array) throw MlopsException.Invalid(field, $"{field}.{column.Name} must be an array of values");
            var values = column.Value.EnumerateArray().ToList();
            if (rows is { } n && n != values.Count)
            {
                throw MlopsException.Invalid(field, $"{field}.{column.Name} has {values.Count} values, the other columns have {n}");
            }
            rows = values.Count;
            var type = schema is not null && schema.TryGetValue(column.Name, out var declared) ? declared : Infer(values);
            var typed = new object?[values.Count];
            for (var i = 0; i < typed.Length; i++) typed[i] = Value(values[i], type, $"{field}.{column.Name}[{i}]");
            result.Add(new FrameColumn(column.Name, type, typed));
        }
        return new FeatureFrame(result);
    }

    private static FeatureValueType Infer(List<JsonElement> values)
    {
        var type = FeatureValueType.Int64;
        foreach (var v in values)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.String: return FeatureValueType.String;
                case JsonValueKind.True or JsonValueKind.False: return FeatureValueType.Bool;
                case JsonValueKind.Number when !v.TryGetInt64(out _): type = FeatureValueType.Float64; break;
            }
        }
        return type;
    }

    private static object? Value(JsonElement v, FeatureValueType type, string where)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        object? value = (type, v.ValueKind) switch
        {
            (FeatureValueType.Int32, JsonValueKind.Number) when v.TryGetInt32(out var i) => i,
            (FeatureValueType.Int64, JsonValueKind.Number) when v.TryGetInt64(out var l) => l,
            (FeatureValueType.Float32, JsonValueKind.Number) => (float)v.GetDouble(),
            (FeatureValueType.Float64, JsonValueKind.Number) => v.GetDouble(),
            (FeatureValueType.Bool, JsonValueKind.True or JsonValueKind.False) => v.GetBoolean(),
            (FeatureValueType.String, JsonValueKind.String) => v.GetString(),
            (FeatureValueType.Bytes, JsonValueKind.String) => Bytes(v.GetString()!),
            (FeatureValueType.Timestamp, JsonValueKind.String) => Timestamp(v.GetString()!),
            (FeatureValueType.Timestamp, JsonValueKind.Number) => DateTime.UnixEpoch.AddTicks((long)(v.GetDouble() * TimeSpan.TicksPerSecond)),
            _ => null,
        };
        return value ?? throw MlopsException.Invalid(where, $"{where}: {v.GetRawText()} is not a {FeatureTypes.Name(type)}");
    }

    private static DateTime? Timestamp(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t.UtcDateTime : null;

    private static byte[]? Bytes(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var n) ? buffer[..n] : null;
    }

    /// <summary>A value as Feast writes it in JSON: numbers, strings, booleans; timestamps ISO-8601; bytes base64.</summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case float or double: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case DateTime t: writer.WriteStringValue(t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)); break;
            default: writer.WriteStringValue(value.ToString()); break;
        }
    }
}
