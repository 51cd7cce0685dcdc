namespace MlOps.Orleans.Artifacts;

/// <summary>What a completed write stored: the byte count and the lowercase hex SHA-256 of the content.</summary>
public sealed record StoredArtifact(long Size, string Sha256);
