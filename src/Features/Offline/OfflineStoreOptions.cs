namespace MlOps.Orleans.Features.Offline;

/// <summary>Where the offline store keeps its local files and how much of the machine one retrieval may use.</summary>
public sealed class OfflineStoreOptions
{
    /// <summary>
    /// Local copies of blobs read from a remote artifact store (the bundled DuckDB cannot read Azure Blob itself). A copy is
    /// keyed by the blob's key and size only: a blob replaced in place by one of the same size is not noticed (push files
    /// are immutable, so this only concerns batch sources rewritten in place; clear the folder after such a rewrite).
    /// </summary>
    public string CacheDirectory { get; set; } = Path.Join(Path.GetTempPath(), "mlops-offline-cache");

    /// <summary>Folders that <c>file:</c> sources may read; a source resolving (links included) outside all of them is refused.</summary>
    public IReadOnlyList<string> SourceRoots { get; set; } = [];

    /// <summary>DuckDB spill files and training sets being written to a temporary file live under here.</summary>
    public string TempDirectory { get; set; } = Path.Join(Path.GetTempPath(), "mlops-offline-tmp");

    /// <summary>DuckDB's memory_limit per retrieval; above it DuckDB spills to <see cref="TempDirectory"/>.</summary>
    public string DuckDbMemoryLimit { get; set; } = "1GB";

    /// <summary>DuckDB worker threads per retrieval; 0 means one per core.</summary>
    public int Threads { get; set; }

    /// <summary>Rows per Parquet row group of a training set: bounds the writer's memory, and fixes the file layout.</summary>
    public int RowGroupSize { get; set; } = 65536;
}
