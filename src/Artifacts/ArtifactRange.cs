using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts;

/// <summary>The one rule for byte ranges, shared by both backends: an offset inside the file, a length clipped to its end.</summary>
public static class ArtifactRange
{
    /// <summary>The number of bytes to read from <paramref name="offset"/>; throws INVALID_ARGUMENT naming offset or length.</summary>
    public static long Clip(long offset, long? length, long fileSize)
    {
        if (offset < 0) throw MlopsException.Invalid("offset", $"offset must not be negative, not {offset}");
        if (length is < 0) throw MlopsException.Invalid("length", $"length must not be negative, not {length}");
        if (offset > fileSize) throw MlopsException.Invalid("offset", $"offset {offset} is past the end of the {fileSize}-byte file");
        var available = fileSize - offset;
        return length is { } l && l < available ? l : available;
    }
}
