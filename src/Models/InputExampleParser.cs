using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models;

/// <summary>
/// Checks an input example against the signature — every input present, no unknown names, nested arrays as deep as
/// the input's rank and rectangular, fixed dimensions kept, elements of the right kind — and flattens it.
/// </summary>
internal static class InputExampleParser
{
    public static IReadOnlyList<ExampleTensor> Parse(IReadOnlyDictionary<string, JsonElement> example, IReadOnlyList<TensorSpec> inputs)
    {
        var known = inputs.Select(input => input.Name).ToHashSet(StringComparer.Ordinal);
        if (example.Keys.FirstOrDefault(name => !known.Contains(name)) is { } unknown)
        {
            throw Invalid($"input_example names input '{unknown}', which the signature does not have");
        }

        return inputs.Select(input => example.TryGetValue(input.Name, out var value)
                ? Parse(input, value)
                : throw Invalid($"input_example has no value for input '{input.Name}'"))
            .ToArray();
    }

    private static ExampleTensor Parse(TensorSpec input, JsonElement value)
    {
        var shape = Enumerable.Repeat(-1L, input.Shape.Count).ToArray();
        var leaves = new List<JsonElement>();
        Collect(input, value, 0, shape, leaves);
        for (var axis = 0; axis < shape.Length; axis++)
        {
            // An empty array leaves the dimensions below it unseen: they hold nothing.
            shape[axis] = Math.Max(shape[axis], 0);
            if (input.Shape[axis] >= 0 && input.Shape[axis] != shape[axis])
            {
                throw Invalid($"input_example for input '{input.Name}' has {shape[axis]} entries in dimension {axis}, "
                    + $"the signature fixes {input.Shape[axis]}");
            }
        }

        return new ExampleTensor(input.Name, shape, Convert(input, leaves));
    }

    private static void Collect(TensorSpec input, JsonElement value, int axis, long[] shape, List<JsonElement> leaves)
    {
        if (axis == shape.Length)
        {
            leaves.Add(value);
            return;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"input_example for input '{input.Name}' must be nested arrays {shape.Length} deep (its rank)");
        }

        var length = value.GetArrayLength();
        if (shape[axis] >= 0 && shape[axis] != length)
        {
            throw Invalid($"input_example for input '{input.Name}' is ragged: dimension {axis} holds {shape[axis]} and {length} entries");
        }

        shape[axis] = length;
        foreach (var item in value.EnumerateArray())
        {
            Collect(input, item, axis + 1, shape, leaves);
        }
    }

    private static Array Convert(TensorSpec input, List<JsonElement> leaves) => input.ElementType switch
    {
        ElementType.Float32 => Convert(input, leaves, "a number", leaf => leaf.GetSingle()),
        ElementType.Float64 => Convert(input, leaves, "a number", leaf => leaf.GetDouble()),
        ElementType.Float16 => Convert(input, leaves, "a number", leaf => (Float16)leaf.GetSingle()),
        ElementType.BFloat16 => Convert(input, leaves, "a number", leaf => (BFloat16)leaf.GetSingle()),
        ElementType.Int8 => Convert(input, leaves, "an int8", leaf => leaf.GetSByte()),
        ElementType.Int16 => Convert(input, leaves, "an int16", leaf => leaf.GetInt16()),
        ElementType.Int32 => Convert(input, leaves, "an int32", leaf => leaf.GetInt32()),
        ElementType.Int64 => Convert(input, leaves, "an int64", leaf => leaf.GetInt64()),
        ElementType.UInt8 => Convert(input, leaves, "a uint8", leaf => leaf.GetByte()),
        ElementType.UInt16 => Convert(input, leaves, "a uint16", leaf => leaf.GetUInt16()),
        ElementType.UInt32 => Convert(input, leaves, "a uint32", leaf => leaf.GetUInt32()),
        ElementType.UInt64 => Convert(input, leaves, "a uint64", leaf => leaf.GetUInt64()),
        ElementType.Bool => Convert(input, leaves, "true or false", leaf => leaf.GetBoolean()),
        ElementType.String => Convert(input, leaves, "a string", leaf => leaf.GetString() ?? throw new InvalidOperationException()),
        _ => throw Invalid($"input '{input.Name}' has an unknown element_type"),
    };

    // JsonElement's getters throw InvalidOperationException for the wrong JSON kind and FormatException for a
    // number out of the type's range, which is exactly the check wanted.
    private static T[] Convert<T>(TensorSpec input, List<JsonElement> leaves, string expected, Func<JsonElement, T> read)
    {
        var values = new T[leaves.Count];
        for (var index = 0; index < leaves.Count; index++)
        {
            try
            {
                values[index] = read(leaves[index]);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                throw Invalid($"input_example for input '{input.Name}' holds {Show(leaves[index])} where "
                    + $"element_type {OnnxElementTypes.Name(input.ElementType)} needs {expected}");
            }
        }

        return values;
    }

    private static string Show(JsonElement leaf)
    {
        var text = leaf.GetRawText();
        return text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid("input_example", reason);
}
