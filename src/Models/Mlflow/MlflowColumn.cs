namespace MlOps.Orleans.Models.Mlflow;

/// <summary>One entry of an MLflow column signature: <c>{"type": "double", "name": "x", "required": true}</c>.</summary>
/// <param name="Name">The column's name; MLflow leaves it out for unnamed columns.</param>
/// <param name="Type">MLflow's type name as written (<c>double</c>, <c>long</c>, <c>string</c>, <c>array</c>, ...).</param>
/// <param name="Required">Whether a request must carry the column; MLflow's default is true.</param>
public sealed record MlflowColumn(string? Name, string Type, bool Required);
