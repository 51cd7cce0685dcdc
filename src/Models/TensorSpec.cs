namespace MlOps.Orleans.Models;

/// <summary>One named input or output of a model.</summary>
/// <param name="Name">The tensor's name in the ONNX graph.</param>
/// <param name="ElementType">The type of every element.</param>
/// <param name="Shape">One entry per dimension: its fixed size, or -1 where the size varies (a symbolic dimension).</param>
public sealed record TensorSpec(string Name, ElementType ElementType, IReadOnlyList<long> Shape);
