using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>A column of the streamed query result: written to the training set, or hidden (an on-demand input only).</summary>
internal sealed record ReaderColumn(FieldSpec Field, bool Written);
