namespace MlOps.Orleans.Models;

/// <summary>The inputs a model takes and the outputs it returns.</summary>
public sealed record ModelSignature(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs);
