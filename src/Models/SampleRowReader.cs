using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlOps.Orleans.Models;

/// <summary>
/// Reads the first row of an ML.NET data view as an input example: each model input from the column of the same
/// name, as a batch of one (<c>[[...]]</c>), which is how ML.NET's ONNX export shapes its inputs.
/// </summary>
internal static class SampleRowReader
{
    /// <summary>The example, or null when some input has no column, a rank other than 2, or a type JSON cannot hold.</summary>
    public static IReadOnlyDictionary<string, JsonElement>? Read(IDataView data, IReadOnlyList<TensorSpec> inputs)
    {
        var columns = new List<DataViewSchema.Column>();
        foreach (var input in inputs)
        {
            if (input.Shape.Count != 2 || data.Schema.GetColumnOrNull(input.Name) is not { } column)
            {
                return null;
            }

            columns.Add(column);
        }

        using var cursor = data.GetRowCursor(columns);
        if (!cursor.MoveNext())
        {
            return null;
        }

        var example = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (ReadRow(cursor, column) is not { } row)
            {
                return null;
            }

            example[column.Name] = JsonSerializer.SerializeToElement(new JsonArray(row));
        }

        return example;
    }

    private static JsonArray? ReadRow(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var itemType = column.Type is VectorDataViewType vector ? vector.ItemType : column.Type;
        if (itemType is KeyDataViewType)
        {
            return null;
        }

        return itemType.RawType switch
        {
            var t when t == typeof(float) => ReadRow<float>(cursor, column, x => float.IsFinite(x) ? JsonValue.Create(x) : null),
            var t when t == typeof(double) => ReadRow<double>(cursor, column, x => double.IsFinite(x) ? JsonValue.Create(x) : null),
            var t when t == typeof(sbyte) => ReadRow<sbyte>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(short) => ReadRow<short>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(int) => ReadRow<int>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(long) => ReadRow<long>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(byte) => ReadRow<byte>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(ushort) => ReadRow<ushort>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(uint) => ReadRow<uint>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(ulong) => ReadRow<ulong>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(bool) => ReadRow<bool>(cursor, column, x => JsonValue.Create(x)),
            var t when t == typeof(ReadOnlyMemory<char>) => ReadRow<ReadOnlyMemory<char>>(cursor, column, x => JsonValue.Create(x.ToString())),
            _ => null,
        };
    }

    // A null from toJson (NaN, infinity) means the row cannot be written as JSON, so there is no example at all.
    private static JsonArray? ReadRow<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, JsonNode?> toJson)
    {
        var values = new List<T>();
        if (column.Type is VectorDataViewType)
        {
            var buffer = default(VBuffer<T>);
            cursor.GetGetter<VBuffer<T>>(column)(ref buffer);
            values.AddRange(buffer.DenseValues());
        }
        else
        {
            var value = default(T)!;
            cursor.GetGetter<T>(column)(ref value);
            values.Add(value);
        }

        var row = new JsonArray();
        foreach (var value in values)
        {
            if (toJson(value) is not { } node)
            {
                return null;
            }

            row.Add(node);
        }

        return row;
    }
}
