namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// One side (inputs or outputs) of an MLflow signature: either columns or tensors, never both (MLflow's own rule).
/// </summary>
/// <param name="Columns">The column spec; empty when this is a tensor spec.</param>
/// <param name="Tensors">The tensor spec; empty when this is a column spec.</param>
public sealed record MlflowSchema(IReadOnlyList<MlflowColumn> Columns, IReadOnlyList<MlflowTensor> Tensors)
{
    /// <summary>Whether this side is a tensor spec.</summary>
    public bool IsTensorSpec => Tensors.Count > 0;
}
