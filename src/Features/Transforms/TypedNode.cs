namespace MlOps.Orleans.Features.Transforms;

/// <summary>A compiled node with its static type, which decides how its <see cref="Scalar"/> is read.</summary>
internal readonly record struct TypedNode(ExprType Type, Evaluator Eval);
