using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// A data source as DuckDB will read it: local files (real paths) in tie-break order, which is the artifact key or path
/// order (ordinal). An empty push source has no files and is read as an empty table of its declared schema.
/// </summary>
internal sealed record ResolvedSource(DataSourceSpec Spec, IReadOnlyList<string> Files)
{
    public bool IsEmpty => Files.Count == 0;
}
