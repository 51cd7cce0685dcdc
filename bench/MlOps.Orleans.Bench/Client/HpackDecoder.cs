using System.Text;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// HPACK (RFC 7541) header-block decoding for <see cref="RawGrpcConnection{TResponse}"/>: static and dynamic tables, integer and
/// string literals. Every block on the connection must pass through one decoder in order, or the dynamic table drifts.
/// Huffman-coded strings are refused with a clear error: .NET's encoder (Kestrel's) never emits them.
/// </summary>
internal sealed class HpackDecoder(int maxTableSize)
{
    private readonly int _maxTableSize = maxTableSize;
    private static readonly (string Name, string Value)[] Static =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"), (":scheme", "http"),
        (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"), (":status", "304"), (":status", "400"),
        (":status", "404"), (":status", "500"), ("accept-charset", ""), ("accept-encoding", "gzip, deflate"), ("accept-language", ""),
        ("accept-ranges", ""), ("accept", ""), ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""),
        ("cache-control", ""), ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""), ("etag", ""), ("expect", ""),
        ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""), ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""),
        ("if-unmodified-since", ""), ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""), ("server", ""), ("set-cookie", ""),
        ("strict-transport-security", ""), ("transfer-encoding", ""), ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];

    // Newest first, as HPACK numbers them (index 62 is the most recent insertion).
    private readonly LinkedList<(string Name, string Value)> _dynamic = new();
    private int _tableSize;
    private int _tableLimit = maxTableSize;

    /// <summary>Decodes one complete header block, calling <paramref name="onHeader"/> for each field in order.</summary>
    public void Decode(ReadOnlySpan<byte> block, Action<string, string> onHeader)
    {
        var at = 0;
        while (at < block.Length)
        {
            var first = block[at];
            if ((first & 0x80) != 0)
            {
                var (name, value) = Lookup(ReadInteger(block, ref at, 7));
                onHeader(name, value);
            }
            else if ((first & 0xC0) == 0x40)
            {
                var (name, value) = ReadLiteral(block, ref at, 6);
                Insert(name, value);
                onHeader(name, value);
            }
            else if ((first & 0xE0) == 0x20)
            {
                var size = ReadInteger(block, ref at, 5);
                if (size > _maxTableSize) throw new InvalidDataException($"HPACK table size update to {size} exceeds the {_maxTableSize} this client allowed");
                _tableLimit = size;
                Evict(0);
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001): same layout, nothing stored.
                var (name, value) = ReadLiteral(block, ref at, 4);
                onHeader(name, value);
            }
        }
    }

    private (string Name, string Value) ReadLiteral(ReadOnlySpan<byte> block, ref int at, int prefix)
    {
        var index = ReadInteger(block, ref at, prefix);
        var name = index == 0 ? ReadString(block, ref at) : Lookup(index).Name;
        return (name, ReadString(block, ref at));
    }

    private (string Name, string Value) Lookup(int index)
    {
        if (index >= 1 && index <= Static.Length) return Static[index - 1];
        var d = index - Static.Length - 1;
        if (d < 0 || d >= _dynamic.Count) throw new InvalidDataException($"HPACK index {index} is outside the tables ({_dynamic.Count} dynamic entries)");
        return _dynamic.ElementAt(d);
    }

    private void Insert(string name, string value)
    {
        var size = EntrySize(name, value);
        Evict(size);
        // An entry larger than the whole table empties it and is not stored (RFC 7541 section 4.4).
        if (size > _tableLimit) return;
        _dynamic.AddFirst((name, value));
        _tableSize += size;
    }

    private void Evict(int room)
    {
        while (_dynamic.Count > 0 && _tableSize + room > _tableLimit)
        {
            var (name, value) = _dynamic.Last!.Value;
            _dynamic.RemoveLast();
            _tableSize -= EntrySize(name, value);
        }
    }

    private static int EntrySize(string name, string value) => Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value) + 32;

    private static string ReadString(ReadOnlySpan<byte> block, ref int at)
    {
        if (at >= block.Length) throw new InvalidDataException("HPACK block ends before a string");
        if ((block[at] & 0x80) != 0) throw new InvalidDataException("the server sent a Huffman-coded header; this benchmark client reads raw literals only");
        var length = ReadInteger(block, ref at, 7);
        if (length > block.Length - at) throw new InvalidDataException($"HPACK string of {length} bytes overruns its block");
        var text = Encoding.UTF8.GetString(block.Slice(at, length));
        at += length;
        return text;
    }

    /// <summary>An HPACK integer with an N-bit prefix (RFC 7541 section 5.1).</summary>
    internal static int ReadInteger(ReadOnlySpan<byte> block, ref int at, int prefixBits)
    {
        var mask = (1 << prefixBits) - 1;
        var value = block[at++] & mask;
        if (value < mask) return value;
        for (var shift = 0; ; shift += 7)
        {
            if (at >= block.Length) throw new InvalidDataException("HPACK integer runs past its block");
            if (shift > 28) throw new InvalidDataException("HPACK integer too large");
            var b = block[at++];
            value += (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    /// <summary>Appends an HPACK integer with an N-bit prefix; <paramref name="flags"/> fills the bits above the prefix.</summary>
    internal static void WriteInteger(List<byte> to, int value, int prefixBits, byte flags)
    {
        var mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            to.Add((byte)(flags | value));
            return;
        }
        to.Add((byte)(flags | mask));
        for (value -= mask; value >= 0x80; value >>= 7) to.Add((byte)((value & 0x7F) | 0x80));
        to.Add((byte)value);
    }
}
