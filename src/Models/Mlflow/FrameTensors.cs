using System.Buffers;
using System.Text.Json;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// Turns a table into the model's inputs through a <see cref="ColumnMapping"/>, as nested JSON arrays per input: the
/// representation input examples use, which <c>InputExampleParser</c> then checks element by element.
/// </summary>
public static class FrameTensors
{
    /// <summary>Input name to nested arrays: <c>[v, ...]</c> or <c>[[v], ...]</c> per column, <c>[[a, b, ...], ...]</c> stacked.</summary>
    /// <exception cref="MlopsException">Invalid, field <c>input_example</c>: the table lacks a mapped column or has an unknown one.</exception>
    public static Dictionary<string, JsonElement> ToInputs(ColumnMapping mapping, DataFrameSplit frame, string where)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(frame);
        var position = frame.Columns.Select((name, index) => (name, index)).ToDictionary(pair => pair.name, pair => pair.index, StringComparer.Ordinal);
        var mapped = mapping.Feeds.SelectMany(feed => feed.Columns).ToHashSet(StringComparer.Ordinal);
        if (frame.Columns.FirstOrDefault(name => !mapped.Contains(name)) is { } unknown)
        {
            throw Invalid($"{where} has column '{unknown}', which the signature does not have");
        }

        if (mapped.FirstOrDefault(name => !position.ContainsKey(name)) is { } missing)
        {
            throw Invalid($"{where} has no column '{missing}', which the signature requires");
        }

        return mapping.Feeds.ToDictionary(
            feed => feed.Input.Name,
            feed => Tensor(feed, feed.Columns.Select(name => position[name]).ToArray(), frame.Rows),
            StringComparer.Ordinal);
    }

    private static JsonElement Tensor(ColumnFeed feed, int[] cells, IReadOnlyList<JsonElement> rows)
    {
        var target = feed.Input.ElementType;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                // A rank-1 input takes one value per row; a rank-2 input one list per row.
                if (feed.Input.Shape.Count == 1)
                {
                    Cell(writer, row[cells[0]], target);
                    continue;
                }

                writer.WriteStartArray();
                foreach (var cell in cells)
                {
                    Cell(writer, row[cell], target);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    // The casts JSON cannot carry as written: a boolean feeding a numeric input becomes 1 or 0, and a whole number written
    // as 3.0 (pandas writes float columns so) feeds an integer input as 3. A fraction stays, for the example check to refuse:
    // numpy would truncate it silently.
    private static void Cell(Utf8JsonWriter writer, JsonElement cell, ElementType target)
    {
        var numeric = target is not (ElementType.Bool or ElementType.String);
        if (numeric && cell.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            writer.WriteNumberValue(cell.GetBoolean() ? 1 : 0);
        }
        else if (IsInteger(target) && cell.ValueKind == JsonValueKind.Number && !cell.TryGetInt64(out _)
            && cell.TryGetDouble(out var value) && Math.Abs(value) < 9e15 && value == Math.Floor(value))
        {
            writer.WriteNumberValue((long)value);
        }
        else
        {
            cell.WriteTo(writer);
        }
    }

    private static bool IsInteger(ElementType type) => type is ElementType.Int8 or ElementType.Int16 or ElementType.Int32
        or ElementType.Int64 or ElementType.UInt8 or ElementType.UInt16 or ElementType.UInt32 or ElementType.UInt64;

    private static MlopsException Invalid(string reason) => MlopsException.Invalid("input_example", reason);
}
