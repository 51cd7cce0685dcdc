namespace MlOps.Orleans.Artifacts;

/// <summary>
/// Bytes of artifacts under <c>/</c>-separated keys (a run's <c>&lt;experimentId&gt;/&lt;runId&gt;/artifacts/…</c>, a staging
/// area's <c>staging/&lt;id&gt;/…</c>). Every key is checked with <see cref="ArtifactKeys.Validate"/>; a refused key touches nothing.
/// Content always streams: no operation holds a whole file in memory.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Where the keys live, for logs and messages: a folder or an account and container.</summary>
    string Location { get; }

    /// <summary>Creates the root folder or the container when missing; called once at start.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>, replacing any file there, and returns its size and SHA-256
    /// computed while streaming. The file becomes visible only when complete and matching <paramref name="expected"/>; a write that
    /// fails or is refused midway leaves the previous state.
    /// </summary>
    Task<StoredArtifact> WriteAsync(string key, Stream content, ExpectedContent? expected = null, CancellationToken ct = default);

    /// <summary>Opens a file for reading from <paramref name="offset"/>, at most <paramref name="length"/> bytes (null: to the end).</summary>
    /// <exception cref="MlOps.Orleans.Contracts.Common.MlopsException">NOT_FOUND when no file is there; INVALID_ARGUMENT when the offset is past the end.</exception>
    Task<ArtifactContent> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default);

    /// <summary>The files (and, one level deep, sub-directories) under a directory key ("" for everything), ordered by key.</summary>
    Task<IReadOnlyList<ArtifactEntry>> ListAsync(string directory, bool recursive, CancellationToken ct = default);

    /// <summary>Deletes a file or every file under a directory; false when nothing was there.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// Copies a file, or every file under a directory, to <paramref name="destinationKey"/> (server-side where the backend can);
    /// returns the number of files copied. NOT_FOUND when the source holds nothing.
    /// </summary>
    Task<int> CopyAsync(string sourceKey, string destinationKey, CancellationToken ct = default);

    /// <summary>Whether a file or a non-empty directory is at <paramref name="key"/>.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken ct = default);
}
