using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>What a retrieval wrote: the number of rows (one per entity row) and the columns, in file order.</summary>
public sealed record RetrievalResult(long RowCount, IReadOnlyList<FieldSpec> Schema);
