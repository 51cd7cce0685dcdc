namespace MlOps.Orleans.Models.Mlflow;

/// <summary>How a table of named columns becomes a model's ONNX inputs; made by <see cref="ColumnMapper.Map"/>.</summary>
/// <param name="Stacked">False: each column feeds the input of its name. True: all columns, in signature order, feed
/// the model's one 2-D input, one column per position of its second dimension.</param>
/// <param name="Feeds">One per ONNX input, in the model's input order.</param>
public sealed record ColumnMapping(bool Stacked, IReadOnlyList<ColumnFeed> Feeds);
