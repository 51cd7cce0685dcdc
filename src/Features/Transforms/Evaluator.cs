namespace MlOps.Orleans.Features.Transforms;

/// <summary>A compiled expression node: reads the row's inputs (in the view's input order) and yields one value.</summary>
internal delegate Scalar Evaluator(ReadOnlySpan<object?> inputs);
