using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts;

/// <summary>What a client says it sent; a write that does not match is discarded before it becomes visible.</summary>
public sealed record ExpectedContent(long? Size, string? Sha256)
{
    /// <summary>The checks a client asked for, validated; null when it asked for none.</summary>
    public static ExpectedContent? From(long? size, string? sha256)
    {
        if (size is < 0) throw MlopsException.Invalid("expected_size", $"expected_size must not be negative, not {size}");
        if (string.IsNullOrEmpty(sha256)) return size is null ? null : new ExpectedContent(size, null);
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            throw MlopsException.Invalid("expected_sha256", "expected_sha256 must be 64 hexadecimal characters");
        return new ExpectedContent(size, sha256.ToLowerInvariant());
    }

    /// <summary>Throws INVALID_ARGUMENT naming the field that differs.</summary>
    public void Verify(StoredArtifact stored)
    {
        if (Size is { } size && size != stored.Size)
            throw MlopsException.Invalid("expected_size", $"expected_size is {size} bytes but {stored.Size} were received; nothing was stored");
        if (!string.IsNullOrEmpty(Sha256) && !string.Equals(Sha256, stored.Sha256, StringComparison.OrdinalIgnoreCase))
            throw MlopsException.Invalid("expected_sha256", $"expected_sha256 {Sha256} does not match the received content's {stored.Sha256}; nothing was stored");
    }
}
