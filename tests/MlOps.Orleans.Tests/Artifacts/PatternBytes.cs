using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>
/// Deterministic pseudo-random bytes addressed by position (SplitMix64 of the 8-byte block index), so any range of a file of any
/// size can be produced, or checked, without ever holding the file.
/// </summary>
public static class PatternBytes
{
    public static void Fill(Span<byte> destination, long position, ulong seed)
    {
        var i = 0;
        Span<byte> block = stackalloc byte[8];
        while (i < destination.Length)
        {
            var at = position + i;
            var from = (int)(at & 7);
            if (from == 0 && destination.Length - i >= 8)
            {
                // The common case: whole 8-byte blocks straight into the destination.
                BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], Mix(seed, (ulong)at >> 3));
                i += 8;
                continue;
            }
            BinaryPrimitives.WriteUInt64LittleEndian(block, Mix(seed, (ulong)at >> 3));
            var count = Math.Min(8 - from, destination.Length - i);
            block.Slice(from, count).CopyTo(destination[i..]);
            i += count;
        }
    }

    public static byte[] Range(long position, int count, ulong seed)
    {
        var bytes = new byte[count];
        Fill(bytes, position, seed);
        return bytes;
    }

    /// <summary>The lowercase hex SHA-256 of the first <paramref name="length"/> bytes, computed in 1 MiB steps.</summary>
    public static string Sha256(long length, ulong seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long position = 0; position < length; position += buffer.Length)
        {
            var count = (int)Math.Min(buffer.Length, length - position);
            Fill(buffer.AsSpan(0, count), position, seed);
            hash.AppendData(buffer, 0, count);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static ulong Mix(ulong seed, ulong index)
    {
        var z = seed + (index + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
