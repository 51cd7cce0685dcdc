namespace MlOps.Orleans.Silo.Hosting;

/// <summary>The offline feature engine's settings, from <c>Mlops:Features:*</c>.</summary>
public sealed class FeatureSettings
{
    public const string Section = "Mlops:Features";

    /// <summary>The only folders <c>file:</c> sources may name (none by default: sources then live in the artifact store).</summary>
    public List<string> SourceRoots { get; set; } = [];

    /// <summary>DuckDB's memory_limit per retrieval.</summary>
    public string DuckDbMemoryLimit { get; set; } = "1GB";

    /// <summary>DuckDB worker threads per retrieval; 0 means one per core.</summary>
    public int Threads { get; set; }

    public IEnumerable<string> Validate()
    {
        if (Threads < 0) yield return $"{Section}:Threads must not be negative";
        if (string.IsNullOrWhiteSpace(DuckDbMemoryLimit)) yield return $"{Section}:DuckDbMemoryLimit must not be empty";
        foreach (var root in SourceRoots)
            if (string.IsNullOrWhiteSpace(root)) yield return $"{Section}:SourceRoots must not hold an empty folder";
    }
}
