namespace MlOps.Orleans.Models.Mlflow;

/// <summary>The columns that fill one ONNX input, in the order they fill its second dimension.</summary>
/// <param name="Input">The ONNX input, as the model declares it.</param>
/// <param name="Columns">The column names: one for a per-input feed, all of the signature's for a stacked one.</param>
public sealed record ColumnFeed(TensorSpec Input, IReadOnlyList<string> Columns);
