namespace MlOps.Orleans.Artifacts;

/// <summary>One listed file, or a sub-directory (<see cref="IsDirectory"/>, size 0) in a one-level listing.</summary>
public sealed record ArtifactEntry(string Key, bool IsDirectory, long Size);
