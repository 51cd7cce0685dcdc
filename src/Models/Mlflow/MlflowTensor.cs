namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// One entry of an MLflow tensor signature:
/// <c>{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "input"}</c>.
/// </summary>
/// <param name="Name">The tensor's name; MLflow leaves it out when the model takes a single unnamed array.</param>
/// <param name="Dtype">numpy's dtype name as written (<c>float32</c>, <c>int64</c>, <c>bool</c>, <c>str</c>, ...).</param>
/// <param name="Shape">One entry per dimension, -1 where the size varies.</param>
public sealed record MlflowTensor(string? Name, string Dtype, IReadOnlyList<long> Shape);
