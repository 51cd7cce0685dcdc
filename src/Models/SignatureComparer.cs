namespace MlOps.Orleans.Models;

/// <summary>Compares a declared signature with the model's; any difference is a reason to refuse the package.</summary>
internal static class SignatureComparer
{
    /// <summary>The first difference, naming the input or output and what differs; null when they match.</summary>
    /// <param name="declared">What the package says.</param>
    /// <param name="actual">What ONNX Runtime reads from the model.</param>
    /// <param name="declaredIn">Where the package says it, for messages: "the manifest", "the MLmodel signature".</param>
    public static string? FindMismatch(ModelSignature declared, ModelSignature actual, string declaredIn) =>
        FindMismatch("input", declared.Inputs, actual.Inputs, declaredIn) ?? FindMismatch("output", declared.Outputs, actual.Outputs, declaredIn);

    private static string? FindMismatch(string kind, IReadOnlyList<TensorSpec> declared, IReadOnlyList<TensorSpec> actual, string declaredIn)
    {
        var byName = actual.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        foreach (var expected in declared)
        {
            if (!byName.TryGetValue(expected.Name, out var found))
            {
                return $"{kind} '{expected.Name}' is in {declaredIn} but the model has no such {kind} "
                    + $"(model {kind}s: {string.Join(", ", actual.Select(tensor => $"'{tensor.Name}'"))})";
            }

            if (Compare(kind, expected, found, declaredIn) is { } difference)
            {
                return difference;
            }
        }

        var declaredNames = declared.Select(tensor => tensor.Name).ToHashSet(StringComparer.Ordinal);
        return actual.FirstOrDefault(tensor => !declaredNames.Contains(tensor.Name)) is { } missing
            ? $"the model has {kind} '{missing.Name}' that {declaredIn} does not declare"
            : null;
    }

    private static string? Compare(string kind, TensorSpec expected, TensorSpec found, string declaredIn)
    {
        if (expected.ElementType != found.ElementType)
        {
            return $"{kind} '{expected.Name}' element_type is {OnnxElementTypes.Name(expected.ElementType)} in {declaredIn} "
                + $"but {OnnxElementTypes.Name(found.ElementType)} in the model";
        }

        if (expected.Shape.Count != found.Shape.Count)
        {
            return $"{kind} '{expected.Name}' rank is {expected.Shape.Count} {Format(expected.Shape)} in {declaredIn} "
                + $"but {found.Shape.Count} {Format(found.Shape)} in the model";
        }

        // Exact equality: -1 only matches a variable dimension, because a fixed size promised over a variable one
        // (or the reverse) would let a server send batches the model refuses.
        for (var axis = 0; axis < expected.Shape.Count; axis++)
        {
            if (expected.Shape[axis] != found.Shape[axis])
            {
                return $"{kind} '{expected.Name}' dimension {axis} is {Describe(expected.Shape[axis])} in {declaredIn} "
                    + $"but {Describe(found.Shape[axis])} in the model";
            }
        }

        return null;
    }

    private static string Describe(long size) => size < 0 ? "-1 (variable)" : size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Format(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";
}
