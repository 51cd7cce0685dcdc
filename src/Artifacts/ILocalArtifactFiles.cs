namespace MlOps.Orleans.Artifacts;

/// <summary>
/// Implemented by stores whose files are plain local files, so readers that need a path (DuckDB) can read them in place
/// instead of copying them to a cache.
/// </summary>
public interface ILocalArtifactFiles
{
    /// <summary>
    /// The real (link-free) path of the file at <paramref name="key"/>, or null when no file is there or the key would
    /// leave the store. The file may be replaced or deleted afterwards: callers must tolerate that like any reader.
    /// </summary>
    string? TryGetLocalPath(string key);
}
